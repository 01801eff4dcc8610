"""Backup and restore (coproduce.core.backup): a round trip loses nothing, and a file that is not
a backup, is damaged, comes from another secret key or a newer schema, or would overwrite data
without --force is refused with nothing changed."""

import hashlib
import json
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder

from coproduce.core import backup
from coproduce.core.backup import BackupError
from coproduce.core.models import AuditEvent
from coproduce.insight import search
from coproduce.insight.models import Study
from coproduce.people import actions as people_actions
from coproduce.people.models import Organisation, OrganisationLink, Person
from coproduce.people.selectors import person_export_data
from coproduce.projects import actions as project_actions
from coproduce.site import demo

from ..state import snapshot
from .backups import SECRET_KEY

# Engine-specific (the snapshot, sequences, the search index): also runs on PostgreSQL.
pytestmark = pytest.mark.postgres

ACTION = [f.attname for f in AuditEvent._meta.concrete_fields].index("action")


@pytest.fixture
def media(db, settings, tmp_path):
    settings.SECRET_KEY = SECRET_KEY
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


@pytest.fixture
def small(world, media):
    """The permission-test world and one uploaded paper."""
    project_actions.add_paper(
        by=world["admin"].user,
        meeting=world["meeting"],
        title="Agenda",
        upload=SimpleUploadedFile("agenda.txt", b"Agenda for the meeting\n", "text/plain"),
    )
    return world


def _rows() -> dict:
    labels = sorted({m._meta.app_label for m in backup.backed_up_models()})
    return dict(snapshot(*labels))


def _files(root: Path) -> dict:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _state(root: Path) -> dict:
    return {"rows": _rows(), "files": _files(root)}


def _without_restore_event(rows: dict) -> tuple[dict, list]:
    events = rows["core.AuditEvent"]
    restores = [row for row in events if row[ACTION] == "backup.restore"]
    rows = {**rows, "core.AuditEvent": [row for row in events if row[ACTION] != "backup.restore"]}
    return rows, restores


def _rewrite(source: Path, target: Path, *, member=None, change=None, manifest=None) -> None:
    """A copy of a backup with one member's bytes changed (the manifest left as it was, unless
    `manifest` edits it)."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        data = json.loads(zin.read(backup.MANIFEST))
        for info in zin.infolist():
            if info.filename == backup.MANIFEST:
                continue
            content = zin.read(info)
            if info.filename == member:
                content = change(content)
            zout.writestr(info, content)
        if manifest is not None:
            manifest(data)
        zout.writestr(backup.MANIFEST, json.dumps(data))


def _members(archive: Path) -> dict:
    with zipfile.ZipFile(archive) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


# -- The round trip ------------------------------------------------------------------------------


def _exports() -> dict:
    return {person.pk: person_export_data(person) for person in Person.objects.order_by("pk")}


def _searches() -> dict:
    study = Study.objects.get(slug="coproduction-barriers-wales")
    found = {}
    for query in ("time", "support staff", "nurs*", '"we were"'):
        hits, total = search.search(study, query, limit=50)
        found[query] = ([(h.source_name, h.start, h.end) for h in hits], total)
    return found


@pytest.mark.slow
def test_backup_round_trip_is_lossless(media, tmp_path):
    demo.load()
    before = {**_state(media), "exports": _exports(), "searches": _searches()}
    assert len(before["files"]) == 76
    assert before["searches"]["time"][1] > 0
    made = backup.create(tmp_path / "demo.zip")
    assert (made.files, made.missing_files) == (76, [])
    # Changes after the backup, all of which the restore must undo.
    people_actions.create_person(by=None, full_name="Added after the backup")
    people_actions.update_organisation(
        by=None, organisation=Organisation.objects.order_by("pk").first(), name="Renamed"
    )
    sorted(media.rglob("*.pdf"))[0].unlink()
    (media / "stray.txt").write_text("not in the backup")

    restored = backup.restore(tmp_path / "demo.zip", force=True)

    rows, restores = _without_restore_event(_rows())
    after = {
        "rows": rows,
        "files": _files(media),
        "exports": _exports(),
        "searches": _searches(),
    }
    assert after == before
    assert (restored.rows, restored.tables, restored.files) == (made.rows, made.tables, 76)
    assert (restored.secret_key, restored.migrated) == ("same", False)
    event = AuditEvent.objects.get(action="backup.restore")
    manifest = json.loads(_members(tmp_path / "demo.zip")[backup.MANIFEST])
    assert (event.actor_label, event.object_type, event.object_id, event.object_repr) == (
        "system",
        "core.backup",
        manifest["backup_id"],
        "demo.zip",
    )
    assert event.changes == {
        "created_at": [None, manifest["created_at"]],
        "rows": [None, made.rows],
        "files": [None, 76],
        "secret_key": [None, "same"],
        "migrated": [None, False],
    }
    assert len(restores) == 1
    # Nothing is left beside the uploaded files folder.
    assert sorted(p.name for p in media.parent.iterdir()) == ["demo.zip", "media"]


def test_backup_manifest_lists_every_member_and_never_the_key(small, media, tmp_path):
    counts = {m._meta.label_lower: m._base_manager.count() for m in backup.backed_up_models()}
    made = backup.create(tmp_path / "b.zip")
    members = _members(tmp_path / "b.zip")
    manifest = json.loads(members.pop(backup.MANIFEST))
    assert sorted(manifest) == [
        "app_version",
        "backup_id",
        "created_at",
        "database",
        "format",
        "format_version",
        "media",
        "members",
        "secret_key_check",
    ]
    assert (manifest["format"], manifest["format_version"]) == ("coproduce-backup", 1)
    assert manifest["database"]["engine"] == connection.vendor
    assert manifest["secret_key_check"] == backup.secret_key_check(SECRET_KEY)
    assert {name: len(data) for name, data in members.items()} == {
        name: entry["size"] for name, entry in manifest["members"].items()
    }
    assert {label: t["rows"] for label, t in manifest["database"]["tables"].items()} == counts
    assert manifest["database"]["migrations"]["core"] == [
        "0001_initial",
        "0002_remindersent",
        "0003_cache_table",
    ]
    assert (manifest["media"]["files"], manifest["media"]["missing"]) == (1, [])
    assert [name for name in members if name.startswith("media/")] == [
        "media/" + name for name in _files(media)
    ]
    assert not any(SECRET_KEY.encode() in data for data in members.values())
    assert (made.rows, made.files, made.file_bytes) == (sum(counts.values()), 1, 23)
    # A backup is an export of everyone's data: it is in the audit trail.
    event = AuditEvent.objects.get(action="backup.create")
    assert (event.object_id, event.object_repr) == (manifest["backup_id"], "b.zip")
    assert (tmp_path / "b.zip").stat().st_mode & 0o777 == 0o600


def test_backup_existing_file_is_refused(small, tmp_path):
    (tmp_path / "b.zip").write_bytes(b"keep me")
    with pytest.raises(BackupError) as refused:
        backup.create(tmp_path / "b.zip")
    assert str(refused.value) == f"{tmp_path / 'b.zip'} already exists; give the backup a new name."
    assert (tmp_path / "b.zip").read_bytes() == b"keep me"


# -- Refusals that change nothing ----------------------------------------------------------------


def test_restore_damaged_member_is_refused_and_nothing_changes(small, media, tmp_path):
    backup.create(tmp_path / "b.zip")
    member = "database/people.person.jsonl"
    _rewrite(
        tmp_path / "b.zip",
        tmp_path / "damaged.zip",
        member=member,
        change=lambda data: data.replace(b"Ada Admin", b"Ada Admim"),
    )
    (media / "after.txt").write_text("made after the backup")
    before = _state(media)
    with pytest.raises(BackupError) as refused:
        backup.restore(tmp_path / "damaged.zip", force=True)
    assert str(refused.value) == (
        f"damaged.zip is damaged ({member} does not match its checksum); nothing was changed."
    )
    assert _state(media) == before
    assert sorted(p.name for p in media.parent.iterdir()) == ["b.zip", "damaged.zip", "media"]


def test_restore_rows_that_fail_change_nothing(small, media, tmp_path):
    backup.create(tmp_path / "b.zip")
    member = "database/people.organisationlink.jsonl"
    columns = json.loads(_members(tmp_path / "b.zip")[backup.MANIFEST])["database"]["tables"][
        "people.organisationlink"
    ]["columns"]
    person = columns.index("person_id")

    def dangling(data: bytes) -> bytes:
        rows = [json.loads(line) for line in data.splitlines()]
        rows[0][person] = 999_999  # no such person
        return b"".join(json.dumps(row).encode() + b"\n" for row in rows)

    def checksums(manifest):
        content = dangling(_members(tmp_path / "b.zip")[member])
        manifest["members"][member] = {
            "size": len(content),
            "sha256": hashlib.sha256(content).hexdigest(),
        }

    _rewrite(
        tmp_path / "b.zip", tmp_path / "bad.zip", member=member, change=dangling, manifest=checksums
    )
    before = _state(media)
    with pytest.raises(BackupError) as refused:
        backup.restore(tmp_path / "bad.zip", force=True)
    message = str(refused.value)
    assert message.startswith("The rows in bad.zip could not be loaded (")
    assert message.endswith("); nothing was changed.")
    assert "\n" not in message
    assert _state(media) == before


def test_restore_other_secret_key_is_refused_without_the_flag(small, media, settings, tmp_path):
    backup.create(tmp_path / "b.zip")
    settings.SECRET_KEY = "a-different-secret-key-" + "x" * 30
    before = _state(media)
    with pytest.raises(BackupError) as refused:
        backup.restore(tmp_path / "b.zip", force=True)
    assert str(refused.value) == (
        "b.zip was made under a different SECRET_KEY: restored under this one, people could "
        "answer pulses they have already answered and everyone would be signed out, so set "
        "SECRET_KEY to the old key (or add it to SECRET_KEY_FALLBACKS), or restore with "
        "--accept-new-secret-key."
    )
    assert _state(media) == before
    restored = backup.restore(tmp_path / "b.zip", force=True, accept_new_secret_key=True)
    assert restored.secret_key == "different"


def test_restore_old_key_among_fallbacks_is_accepted(small, media, settings, tmp_path):
    backup.create(tmp_path / "b.zip")
    settings.SECRET_KEY = "a-rotated-secret-key-" + "x" * 30
    settings.SECRET_KEY_FALLBACKS = [SECRET_KEY]
    assert backup.restore(tmp_path / "b.zip", force=True).secret_key == "fallback"


def test_restore_over_data_without_force_is_refused(small, media, tmp_path):
    backup.create(tmp_path / "b.zip")
    before = _state(media)
    holding = [
        m._meta.db_table
        for m in backup.backed_up_models()
        if m._meta.label_lower not in {"contenttypes.contenttype", "auth.permission"}
        and m._base_manager.exists()
    ]
    with pytest.raises(BackupError) as refused:
        backup.restore(tmp_path / "b.zip")
    assert str(refused.value) == (
        f"This database already holds data ({len(holding)} tables have rows, e.g. {holding[0]}); "
        "restore with --force to replace all of it with b.zip."
    )
    assert _state(media) == before


def test_restore_into_an_emptied_database_needs_no_force(small, media, tmp_path):
    before = _state(media)
    backup.create(tmp_path / "b.zip")
    connection.check_constraints()  # PostgreSQL will not truncate with checks pending
    call_command("flush", interactive=False, verbosity=0)
    for path in sorted(media.rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    backup.restore(tmp_path / "b.zip")
    rows, restores = _without_restore_event(_rows())
    assert {"rows": rows, "files": _files(media)} == before
    assert len(restores) == 1


def test_restore_backup_from_a_newer_schema_is_refused(small, media, tmp_path):
    backup.create(tmp_path / "b.zip")
    _rewrite(
        tmp_path / "b.zip",
        tmp_path / "newer.zip",
        manifest=lambda m: m["database"]["migrations"]["people"].append("9999_future"),
    )
    before = _state(media)
    with pytest.raises(BackupError) as refused:
        backup.restore(tmp_path / "newer.zip", force=True)
    assert str(refused.value) == (
        "newer.zip comes from a newer version of coproduce (0.1.0, with migration "
        "people.9999_future, which this version does not have); upgrade coproduce, then restore."
    )
    assert _state(media) == before


def test_restore_file_that_is_not_a_backup_is_refused(db, tmp_path):
    (tmp_path / "notes.zip").write_bytes(b"these are not the files you are looking for")
    with zipfile.ZipFile(tmp_path / "other.zip", "w") as zf:
        zf.writestr("readme.txt", "hello")
    with pytest.raises(BackupError) as not_zip:
        backup.restore(tmp_path / "notes.zip")
    with pytest.raises(BackupError) as no_manifest:
        backup.restore(tmp_path / "other.zip")
    with pytest.raises(BackupError) as missing:
        backup.restore(tmp_path / "absent.zip")
    assert str(not_zip.value) == "notes.zip is not a coproduce backup (it is not a zip file)."
    assert (
        str(no_manifest.value) == "other.zip is not a coproduce backup (it has no manifest.json)."
    )
    assert str(missing.value) == f"{tmp_path / 'absent.zip'} does not exist."


# -- Ids, schema and engines ---------------------------------------------------------------------


def test_restore_never_hands_out_a_deleted_rows_id_again(small, media, tmp_path):
    # The audit trail names rows by id, deleted ones too: an id must never mean two rows.
    organisation = small["other_org"]
    link = people_actions.link_organisation(
        by=None, person=small["member"], organisation=organisation, role="lead"
    )
    deleted = link.pk
    people_actions.unlink_organisation(by=None, link=link)
    assert not OrganisationLink.objects.filter(pk__gte=deleted).exists()
    backup.create(tmp_path / "b.zip")
    backup.restore(tmp_path / "b.zip", force=True)
    again = people_actions.link_organisation(
        by=None, person=small["member"], organisation=organisation, role="lead"
    )
    assert again.pk == deleted + 1


@pytest.mark.django_db(transaction=True)
def test_restore_backup_from_an_older_schema_is_migrated_forward(settings, tmp_path):
    settings.SECRET_KEY = SECRET_KEY
    settings.MEDIA_ROOT = tmp_path / "media"
    people_actions.create_organisation(by=None, name="Older Trust", slug="older", kind="trust")
    before = _rows()
    # Inside a transaction the backup reads through the test's own connection (a second one, to
    # SQLite's snapshot copy, is not allowed in tests; the command-line tests make one).
    with transaction.atomic():
        backup.create(tmp_path / "b.zip")

    # The same data as a backup made before consultations' 0002 (which added Response.burst).
    def older(manifest):
        manifest["database"]["migrations"]["consultations"].remove("0002_response_burst")
        manifest["database"]["tables"]["consultations.response"]["columns"].remove("burst")

    _rewrite(tmp_path / "b.zip", tmp_path / "older.zip", manifest=older)
    restored = backup.restore(tmp_path / "older.zip", force=True)
    assert restored.migrated is True
    rows, restores = _without_restore_event(_rows())
    assert rows == before
    assert len(restores) == 1
    applied = MigrationRecorder(connection).applied_migrations()
    assert ("consultations", "0002_response_burst") in applied
