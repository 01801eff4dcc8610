"""serve, worker and reminders start only on a migrated database: they wait, then refuse."""

import os
import subprocess
import sys

import pytest

from coproduce.site import release

# The release takes a PostgreSQL advisory lock and reads the migration state: both engines.
pytestmark = pytest.mark.postgres


def test_not_ready_none_on_migrated_database(db):
    assert release.pending_migrations() == 0
    assert release.not_ready() is None


def test_wait_until_ready_logs_each_kind_once(monkeypatch):
    answers = iter(
        [
            "The database is not migrated (3 migration(s) to apply): run it.",
            "The database is not migrated (1 migration(s) to apply): run it.",
            None,
        ]
    )
    monkeypatch.setattr(release, "not_ready", lambda: next(answers))
    logged = []
    assert release.wait_until_ready(timeout=60, log=logged.append, interval=0) is None
    assert logged == [
        "The database is not migrated (3 migration(s) to apply): run it. Waiting up to 60 s.",
        "The database is ready: starting.",
    ]


def test_wait_until_ready_gives_up_with_reason(monkeypatch):
    monkeypatch.setattr(release, "not_ready", lambda: "Not yet.")
    assert release.wait_until_ready(timeout=0, log=lambda _: None, interval=0) == "Not yet."


def test_cli_worker_refuses_unmigrated_database(tmp_path):
    dropped = ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "COPRODUCE_DEMO")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(COPRODUCE_DATA=str(tmp_path), SECRET_KEY="k" * 50, LOG_FORMAT="text")
    result = subprocess.run(
        [sys.executable, "-m", "coproduce.cli", "worker", "--wait", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "The database is not migrated (" in result.stderr
    assert "run `coproduce release` once for this version. Not starting (waited 0 s)." in (
        result.stderr
    )


def test_cli_data_folder_must_be_absolute_outside_demo(tmp_path):
    dropped = ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "COPRODUCE_DEMO", "COPRODUCE_DATA")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(SECRET_KEY="k" * 50)
    result = subprocess.run(
        [sys.executable, "-m", "coproduce.cli", "manage", "check"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "COPRODUCE_DATA must be set to an absolute path outside the demo" in result.stderr
