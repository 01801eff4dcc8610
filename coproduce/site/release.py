"""What a deploy runs once (`coproduce release`), and what every long-running process checks
before it starts (`serve`, `worker`, `reminders`).

Migrating inside every `serve` made two servers starting together on an empty database race
each other's CREATE TABLEs (IntegrityError on pg_type), and a worker started first crashed on a
missing table. Now one step prepares the database and the static files, under a lock so even
two releases at once take turns, and the processes wait for it.
"""

import json
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.db.migrations.executor import MigrationExecutor

from coproduce.core import frontend, i18n

# Any fixed number: the key of the PostgreSQL advisory lock releases take.
RELEASE_LOCK = 0x0C09_0D0C


@contextmanager
def _exclusive():
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        # SQLite is the embedded single-machine database: one writer at a time already.
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [RELEASE_LOCK])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [RELEASE_LOCK])


def run(*, verbosity: int = 1) -> None:
    """Migrate, make the cache table, load new framework versions, collect static files.

    Every step is idempotent, so running it again (or after an interrupted deploy) is safe.
    """
    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    # In a checkout these build from node_modules and the .po; an installed wheel carries both
    # built, and they do nothing.
    frontend.build()
    i18n.compile_all()
    with _exclusive():
        call_command("migrate", interactive=False, verbosity=verbosity)
        # The database cache's table comes with the core migration; this covers a CACHES
        # setting that names another table.
        call_command("createcachetable", verbosity=0)
        call_command("load_frameworks", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)


def pending_migrations() -> int:
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def _uncollected_static() -> int:
    """How many of this version's static files the collected manifest lacks (0 when the
    storage keeps no manifest)."""
    if not isinstance(staticfiles_storage, ManifestFilesMixin):
        return 0
    manifest = Path(settings.STATIC_ROOT) / staticfiles_storage.manifest_name
    if not manifest.exists():
        return -1
    collected = json.loads(manifest.read_text()).get("paths", {})
    return sum(
        1
        for finder in get_finders()
        # What collectstatic skips, so the check skips the same.
        for path, _storage in finder.list(apps.get_app_config("staticfiles").ignore_patterns)
        if path.replace("\\", "/") not in collected
    )


def not_ready() -> str | None:
    """None when this process can start; otherwise one sentence saying why not."""
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        pending = pending_migrations()
    except OperationalError as exc:
        connection.close()
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"The database cannot be reached ({reason})."
    if pending:
        return (
            f"The database is not migrated ({pending} migration(s) to apply): "
            "run `coproduce release` once for this version."
        )
    missing = _uncollected_static()
    if missing:
        return (
            f"Static files for this version are not collected in {settings.STATIC_ROOT}: "
            "run `coproduce release` once for this version."
        )
    return None


def wait_until_ready(
    *, timeout: float, log: Callable[[str], None], interval: float = 2.0
) -> str | None:
    """Wait until `not_ready()` is None, for at most `timeout` seconds. Returns None when ready,
    otherwise the last reason. Each kind of reason is logged once, not at every poll (the count
    of migrations left falls while a release runs)."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        problem = not_ready()
        if problem is None:
            if last is not None:
                log("The database is ready: starting.")
            return None
        if time.monotonic() >= deadline:
            return problem
        kind = problem.split(" (")[0]
        if kind != last:
            log(f"{problem} Waiting up to {timeout:.0f} s.")
            last = kind
        time.sleep(interval)
