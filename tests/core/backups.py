"""Helpers for the backup tests: the `coproduce` command run as an operator runs it, on an
embedded SQLite instance in a folder of its own."""

import os
import subprocess
import sys
from pathlib import Path

# The demo's data, loaded as `coproduce demo` loads it but without building assets or serving.
POPULATE = (
    "from django.core.management import call_command\n"
    "call_command('migrate', verbosity=0)\n"
    "call_command('load_frameworks', verbosity=0)\n"
    "from coproduce.site import demo\n"
    "demo.load()\n"
)
SECRET_KEY = "backup-tests-" + "k" * 40


def run_cli(*args, data_dir: Path, secret_key: str = SECRET_KEY, **extra_env):
    dropped = ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "COPRODUCE_DEMO")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(COPRODUCE_DATA=str(data_dir), SECRET_KEY=secret_key, **extra_env)
    return subprocess.run(
        [sys.executable, "-m", "coproduce.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def make_sqlite_backup(folder: Path) -> Path:
    """A demo instance on SQLite in folder/instance, and its backup, folder/demo.zip."""
    instance = folder / "instance"
    made = run_cli("manage", "shell", "-c", POPULATE, data_dir=instance)
    assert made.returncode == 0, made.stderr
    backup = folder / "demo.zip"
    done = run_cli("backup", str(backup), data_dir=instance)
    assert done.returncode == 0, done.stderr
    return backup
