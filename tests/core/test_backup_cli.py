"""`coproduce backup` and `coproduce restore` as an operator runs them: a real SQLite file (so
the snapshot is taken with SQLite's online backup API), a fresh instance to restore onto, and
errors in one sentence without a traceback."""

import json
import os
import secrets
import sqlite3
import urllib.parse
import zipfile

import pytest

from .backups import make_sqlite_backup, run_cli

TABLES = ("people_person", "projects_paper", "insight_turn", "core_auditevent", "django_session")


def _counts(data_dir) -> list[int]:
    with sqlite3.connect(data_dir / "coproduce.sqlite3") as conn:
        return [conn.execute(f"select count(*) from {t}").fetchone()[0] for t in TABLES]


def _files(root) -> dict:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    folder = tmp_path_factory.mktemp("backup-cli")
    return folder, make_sqlite_backup(folder)


@pytest.mark.slow
def test_cli_restore_onto_a_fresh_instance_with_a_new_key(made, tmp_path):
    folder, archive = made
    refused = run_cli("restore", str(archive), data_dir=tmp_path, secret_key="n" * 50)
    assert refused.returncode == 1
    assert refused.stdout == ""
    assert refused.stderr == (
        "coproduce restore: demo.zip was made under a different SECRET_KEY: restored under this "
        "one, people could answer pulses they have already answered and everyone would be "
        "signed out, so set SECRET_KEY to the old key (or add it to SECRET_KEY_FALLBACKS), or "
        "restore with --accept-new-secret-key.\n"
    )
    done = run_cli(
        "restore", str(archive), "--accept-new-secret-key", data_dir=tmp_path, secret_key="n" * 50
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Restored ")
    assert done.stderr == (
        "Warning: the backup was made under another SECRET_KEY. Everyone must sign in again, "
        "reset and e-mail links sent before are void, and pulses answered before can be "
        "answered again by the same people.\n"
    )
    instance = folder / "instance"
    before, after = _counts(instance), _counts(tmp_path)
    # The original has one more audit event: the backup's own, made after its snapshot; the
    # restored one has the restore's instead.
    assert after == before
    assert _files(tmp_path / "media") == _files(instance / "media")
    assert len(_files(tmp_path / "media")) == 76


@pytest.mark.slow
def test_cli_restore_over_data_and_of_a_damaged_file_are_refused(made, tmp_path):
    folder, archive = made
    instance = folder / "instance"
    before = _counts(instance)
    over = run_cli("restore", str(archive), data_dir=instance)
    assert over.returncode == 1
    assert over.stderr.startswith("coproduce restore: This database already holds data (")
    assert over.stderr.endswith("); restore with --force to replace all of it with demo.zip.\n")
    damaged = tmp_path / "cut.zip"
    damaged.write_bytes(archive.read_bytes()[:5000])
    cut = run_cli("restore", str(damaged), "--force", data_dir=instance)
    assert (cut.returncode, cut.stdout) == (1, "")
    assert (
        cut.stderr
        == "coproduce restore: cut.zip is not a coproduce backup (it is not a zip file).\n"
    )
    again = run_cli("backup", str(archive), data_dir=instance)
    assert again.returncode == 1
    assert (
        again.stderr == f"coproduce backup: {archive} already exists; give the backup a new name.\n"
    )
    assert _counts(instance) == before


@pytest.fixture
def postgres_database():
    """A new, empty PostgreSQL database on the cluster scripts/with-postgres.sh started."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("needs PostgreSQL: run under scripts/with-postgres.sh (sets DATABASE_URL)")
    import psycopg

    name = f"coproduce_backup_{secrets.token_hex(4)}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path=f"/{name}"))
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.mark.postgres
@pytest.mark.slow
def test_cli_sqlite_backup_moves_to_postgresql_and_back_up_again(postgres_database, made, tmp_path):
    import psycopg

    _folder, archive = made
    with zipfile.ZipFile(archive) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    rows = {label: t["rows"] for label, t in manifest["database"]["tables"].items()}
    env = {"DATABASE_URL": postgres_database}
    # Onto a new PostgreSQL database: migrated, then filled, in the command's own transaction.
    moved = run_cli("restore", str(archive), data_dir=tmp_path / "pg", **env)
    assert moved.returncode == 0, moved.stderr
    # Backed up from PostgreSQL (one REPEATABLE READ snapshot) and restored over itself.
    again = run_cli("backup", str(tmp_path / "pg.zip"), data_dir=tmp_path / "pg", **env)
    assert again.returncode == 0, again.stderr
    with zipfile.ZipFile(tmp_path / "pg.zip") as zf:
        from_postgres = json.loads(zf.read("manifest.json"))
    assert from_postgres["database"]["engine"] == "postgresql"
    # The same rows, and the restore's own audit event.
    assert {label: t["rows"] for label, t in from_postgres["database"]["tables"].items()} == {
        **rows,
        "core.auditevent": rows["core.auditevent"] + 1,
    }
    replaced = run_cli(
        "restore", str(tmp_path / "pg.zip"), "--force", data_dir=tmp_path / "pg", **env
    )
    assert replaced.returncode == 0, replaced.stderr
    with psycopg.connect(postgres_database) as conn:
        people = conn.execute("select count(*) from people_person").fetchone()[0]
        # A backup from SQLite has no tsvectors; insight's after_restore made them.
        unindexed = conn.execute(
            "select count(*) from insight_searchpassage where vector is null"
        ).fetchone()[0]
        passages = conn.execute("select count(*) from insight_searchpassage").fetchone()[0]
        events = conn.execute(
            "select action from core_auditevent where action like 'backup.%' order by id"
        ).fetchall()
    assert (people, unindexed, passages) == (
        rows["people.person"],
        0,
        rows["insight.searchpassage"],
    )
    assert events == [("backup.restore",), ("backup.restore",)]
    assert _files(tmp_path / "pg" / "media") == _files(_folder / "instance" / "media")
