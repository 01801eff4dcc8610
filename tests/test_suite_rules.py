"""Rules the test suite keeps about itself.

`make test` runs the whole suite once on SQLite (browser journeys included) and then, on a
throwaway PostgreSQL cluster, only the tests marked `postgres`: those whose outcome can depend on
the database engine. These tests keep that second pass honest: code that is written for one
engine (raw SQL, full-text search, row locks, vendor branches) must be exercised by at least one
test module that carries the marker, and a test that itself branches on the engine carries it.
"""

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SOURCE = REPO / "coproduce"
TESTS = REPO / "tests"

# What makes a source module engine-specific: a branch on the vendor, a cursor or the plain-SQL
# helpers, row locks, raw SQL expressions, PostgreSQL full-text search.
ENGINE_SPECIFIC = re.compile(
    r"connection\.vendor|\.cursor\(|core import sql\b|core\.sql\b|select_for_update|RawSQL|"
    r"\.raw\(|SearchVector|SearchQuery|\.execute\("
)
# A test module that branches on the engine, or runs a real worker against the database.
TEST_ENGINE_SPECIFIC = re.compile(r"connection\.vendor|db_worker|django_tasks_db")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def engine_specific_modules() -> set[str]:
    found = set()
    for path in SOURCE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        if ENGINE_SPECIFIC.search(path.read_text(encoding="utf-8")):
            found.add(_module_name(path))
    return found


def _marks(node: ast.AST) -> set[str]:
    """Names of pytest marks in an expression such as `pytest.mark.x` or `[pytest.mark.x, ...]`."""
    names = set()
    for sub in ast.walk(node):
        if (
            isinstance(sub, ast.Attribute)
            and isinstance(sub.value, ast.Attribute)
            and sub.value.attr == "mark"
        ):
            names.add(sub.attr)
    return names


def module_marks(tree: ast.Module) -> set[str]:
    marks = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets
        ):
            marks |= _marks(node.value)
    return marks


def imported_modules(tree: ast.Module, package: str) -> set[str]:
    """Every coproduce module a test module imports, including `from pkg import submodule`."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            names.add(base)
            names |= {f"{base}.{alias.name}" for alias in node.names}
    names = {n for n in names if n.startswith("coproduce")}
    return names | {sub for name in names for sub in _reexported(name)}


def _reexported(package: str) -> set[str]:
    """Submodules a package's __init__ imports (`from .coding import *`): importing the package
    runs them, as `from coproduce.insight import actions; actions.add_coding(...)` does."""
    init = REPO.joinpath(*package.split(".")) / "__init__.py"
    if not init.exists():
        return set()
    tree = ast.parse(init.read_text(encoding="utf-8"))
    parts = package.split(".")
    # `from .coding import *` in the package, or `from ..exchange.actions import *` above it.
    return {
        ".".join(parts[: len(parts) - node.level + 1] + [node.module])
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.level and node.module
    }


def suite_modules():
    for path in sorted(TESTS.rglob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        yield path, tree


def test_suite_rules_engine_specific_code_has_a_postgres_test():
    marked_imports = set()
    for path, tree in suite_modules():
        if "postgres" in module_marks(tree):
            marked_imports |= imported_modules(tree, _module_name(path))
    uncovered = sorted(engine_specific_modules() - marked_imports)
    assert uncovered == [], (
        "These modules hold engine-specific code but no test module marked "
        "`pytestmark = pytest.mark.postgres` imports them, so the PostgreSQL pass never "
        f"checks them: {uncovered}"
    )


def test_suite_rules_engine_branching_tests_are_marked():
    unmarked = [
        str(path.relative_to(REPO))
        for path, tree in suite_modules()
        if TEST_ENGINE_SPECIFIC.search(path.read_text(encoding="utf-8"))
        and "postgres" not in module_marks(tree)
        and path.name != Path(__file__).name
    ]
    assert unmarked == []


def test_suite_rules_detector_finds_known_modules():
    # The detector itself must not go blind: these are engine-specific by design.
    found = engine_specific_modules()
    assert {
        "coproduce.core.sql",
        "coproduce.insight.search.postgresql",
        "coproduce.insight.search.sqlite",
        "coproduce.accounts.sessions",
        "coproduce.people.roles",
    } <= found


def test_suite_rules_apps_with_database_constraints_test_them_on_postgres():
    # Constraints are enforced by the engine: each app that declares any has tests in the
    # PostgreSQL pass (its actions' tests, where a violation would surface).
    unmarked = []
    constraint = re.compile(r"CheckConstraint|UniqueConstraint|unique=True|unique_together")
    for models in sorted(SOURCE.glob("*/models.py")):
        if not constraint.search(models.read_text(encoding="utf-8")):
            continue
        app = models.parent.name
        folder = TESTS / app if app != "core" else TESTS
        marked = [
            path
            for path in folder.rglob("test_*.py")
            if "postgres" in module_marks(ast.parse(path.read_text(encoding="utf-8")))
        ]
        if not marked:
            unmarked.append(app)
    assert unmarked == []
