"""Permission-sweep entries for this app (see tests/test_permission_sweep.py)."""


def entries(world) -> dict:
    return {}


def writes() -> list[str]:
    return []
