"""The `coproduce` command as a newcomer runs it."""

import os
import sqlite3
import subprocess
import sys

import pytest


def _run(*args, data_dir, **extra_env):
    dropped = ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "COPRODUCE_DEMO")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(COPRODUCE_DATA=str(data_dir), **extra_env)
    return subprocess.run(
        [sys.executable, "-m", "coproduce.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _counts(db):
    with sqlite3.connect(db) as conn:
        return [
            conn.execute(f"select count(*) from {table}").fetchone()[0]
            for table in (
                "people_person",
                "projects_project",
                "projects_meeting",
                "core_auditevent",
                "accounts_user",
            )
        ]


@pytest.mark.slow
def test_cli_demo_no_serve_twice_changes_nothing(tmp_path):
    first = _run("demo", "--no-serve", data_dir=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "Demo data loaded." in first.stdout
    counts = _counts(tmp_path / "coproduce.sqlite3")
    assert counts[:2] == [66, 6]
    second = _run("demo", "--no-serve", data_dir=tmp_path)
    assert second.returncode == 0, second.stderr
    assert "already present: nothing changed" in second.stdout
    assert _counts(tmp_path / "coproduce.sqlite3") == counts


def test_cli_manage_needs_secret_key_outside_demo(tmp_path):
    result = _run("manage", "check", data_dir=tmp_path)
    # Outside the demo a secret key is required: a clear message, never a built-in default.
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_cli_manage_passes_through(tmp_path):
    result = _run("manage", "check", data_dir=tmp_path, SECRET_KEY="k" * 50)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
