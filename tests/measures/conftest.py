import pytest

from coproduce.measures.actions import load_frameworks


@pytest.fixture
def frameworks(db):
    """The framework data files, loaded as the product loads them."""
    return {f.key: f for f in load_frameworks(by=None)}
