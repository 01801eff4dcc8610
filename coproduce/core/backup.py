"""Backing up and restoring a whole instance: every table and every uploaded file, in one file.

Why it is built this way (one engine-neutral format, the snapshot, the secret key check, what is
left out): docs/decisions/0006-backup-and-restore.md. In short:

- A backup is a zip holding `manifest.json`, one JSON Lines file per table under `database/`
  (a JSON array of column values a line, in primary-key order) and the uploaded files under
  `media/`. The manifest records the format, the app version, when, the database engine, the
  migrations applied, each table's columns, row count and highest id ever used, and the size and
  SHA-256 of every other member. It holds an HMAC of a fixed text under SECRET_KEY, never the key.
- The rows are read from one snapshot: a copy made with SQLite's online backup API, or one
  REPEATABLE READ transaction on PostgreSQL, which stays open while the uploaded files are read.
- A restore checks everything it can before it changes anything (the manifest, the key, the
  schema, that the database is empty or `force` was given, every member's checksum while it is
  unpacked into a folder beside MEDIA_ROOT), then replaces every table in one transaction and
  swaps the unpacked files into place just before that transaction commits.

Every model of every installed app is included through the app registry, so this module names
no app. An app whose data has a part outside its tables (insight's full-text index) rebuilds it
in its `backup.py` (`after_restore()`, found by core.discovery), inside the restore's
transaction.
"""

import base64
import datetime
import decimal
import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
import uuid
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from django.apps import apps as global_apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.management.sql import emit_post_migrate_signal
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, models, transaction
from django.db.migrations.exceptions import IrreversibleError
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.duration import duration_string

from . import limits
from .archives import safe_member_name
from .discovery import app_modules
from .formats import file_size
from .models import AuditEvent

FORMAT = "coproduce-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_DIR = "database/"
MEDIA_DIR = "media/"
CHUNK = 1024 * 1024
# What the secret-key check signs: a fixed text, so two backups made under one key carry the
# same value and a restore can tell whether its key is that key without the key being stored.
KEY_CHECK_SALT = "coproduce.core.backup.secret-key-check"
KEY_CHECK_TEXT = "This backup was made under this SECRET_KEY."
# Rows that `migrate` itself writes into an empty database: they do not make it "hold data".
MADE_BY_MIGRATE = {"contenttypes.contenttype", "auth.permission"}
SNAPSHOT_ALIAS = "coproduce_backup_snapshot"


class BackupError(Exception):
    """A problem the operator can act on, said in one sentence; the command line prints it
    without a traceback. Nothing has been changed when a restore raises it."""


@dataclass
class BackupSummary:
    path: Path
    tables: int
    rows: int
    files: int
    file_bytes: int
    size: int
    missing_files: list[str] = field(default_factory=list)


@dataclass
class RestoreSummary:
    tables: int
    rows: int
    files: int
    file_bytes: int
    created_at: str
    app_version: str
    # "same", "fallback" (one of SECRET_KEY_FALLBACKS) or "different" (accepted).
    secret_key: str
    migrated: bool


# -- What is backed up ---------------------------------------------------------------------------


def backed_up_models(registry=global_apps) -> list[type[models.Model]]:
    """Every table Django manages, many-to-many tables included, in a fixed order."""
    return [
        model
        for model in registry.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and not model._meta.swapped
    ]


def _columns(model) -> list[models.Field]:
    # Generated columns are computed by the database and cannot be written.
    return [f for f in model._meta.concrete_fields if not getattr(f, "generated", False)]


def _has_sequence(model) -> bool:
    return isinstance(model._meta.pk, AutoFieldMixin)


def secret_key_check(key: str) -> str:
    return salted_hmac(KEY_CHECK_SALT, KEY_CHECK_TEXT, secret=key, algorithm="sha256").hexdigest()


def _app_version() -> str:
    try:
        return metadata.version("coproduce")
    except metadata.PackageNotFoundError:
        return "unknown"


# -- Encoding rows -------------------------------------------------------------------------------


def _encode(value):
    """JSON for the values the ORM returns that JSON has no type for. Each column is decoded
    by its own field's to_python on restore, so no type tags are needed."""
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        # Full precision (DjangoJSONEncoder would cut microseconds to milliseconds).
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, datetime.timedelta):
        return duration_string(value)
    if isinstance(value, bytes | memoryview | bytearray):
        return base64.b64encode(bytes(value)).decode("ascii")
    raise TypeError(f"cannot back up a value of type {type(value).__name__}")


def _decoder(field_):
    if isinstance(field_, models.JSONField):
        # None in a JSON column that cannot be NULL is the JSON value null.
        json_null = None if field_.null else models.Value(None, output_field=models.JSONField())
        return lambda value: json_null if value is None else value
    return lambda value: None if value is None else field_.to_python(value)


# -- Writing the archive -------------------------------------------------------------------------


class _HashingWriter:
    def __init__(self, raw):
        self.raw, self.size, self.hash = raw, 0, hashlib.sha256()

    def write(self, data: bytes) -> None:
        self.raw.write(data)
        self.hash.update(data)
        self.size += len(data)


class _Writer:
    """Adds members to the zip one at a time, keeping each one's size and checksum."""

    def __init__(self, zf: zipfile.ZipFile):
        self.zf, self.members = zf, {}

    @contextmanager
    def member(self, name: str, mtime: float | None = None):
        stamp = datetime.datetime.fromtimestamp(mtime) if mtime else datetime.datetime.now()
        info = zipfile.ZipInfo(
            name, date_time=max(stamp, datetime.datetime(1980, 1, 1)).timetuple()[:6]
        )
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        # force_zip64: the size is not known in advance and a table or file may pass 2 GB.
        with self.zf.open(info, "w", force_zip64=True) as raw:
            writer = _HashingWriter(raw)
            yield writer
        self.members[name] = {"size": writer.size, "sha256": writer.hash.hexdigest()}


@contextmanager
def _snapshot(workdir: Path):
    """The database alias to read every table from, all as of one moment."""
    if connection.in_atomic_block:
        # Called inside a transaction (tests, or a caller's own): it is already one view.
        yield DEFAULT_DB_ALIAS
        return
    if connection.vendor == "sqlite":
        # The online backup API copies every page under one read lock; in WAL mode writers go
        # on meanwhile. Reading the copy, however long that takes, blocks nobody.
        copy = workdir / "snapshot.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(copy)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        connections.settings[SNAPSHOT_ALIAS] = {
            **connections.settings[DEFAULT_DB_ALIAS],
            "NAME": str(copy),
            "OPTIONS": {},
            "CONN_MAX_AGE": 0,
        }
        try:
            yield SNAPSHOT_ALIAS
        finally:
            connections[SNAPSHOT_ALIAS].close()
            del connections[SNAPSHOT_ALIAS]
            del connections.settings[SNAPSHOT_ALIAS]
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            # What pg_dump does: one snapshot for every table, and writers are never blocked.
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield DEFAULT_DB_ALIAS


def _sequence_marks(alias: str, model_list) -> dict[str, int]:
    """The highest id each table has ever handed out, deleted rows included. Restored, ids are
    never given out twice: the audit trail names rows by id, including deleted ones."""
    conn = connections[alias]
    marks = {}
    with conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            cursor.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'"
            )
            if cursor.fetchone():
                cursor.execute("SELECT name, seq FROM sqlite_sequence")
                by_table = dict(cursor.fetchall())
                for model in model_list:
                    if model._meta.db_table in by_table:
                        marks[model._meta.label_lower] = int(by_table[model._meta.db_table])
        elif conn.vendor == "postgresql":
            for model in model_list:
                if not _has_sequence(model):
                    continue
                cursor.execute(
                    "SELECT pg_get_serial_sequence(%s, %s)",
                    [conn.ops.quote_name(model._meta.db_table), model._meta.pk.column],
                )
                (sequence,) = cursor.fetchone()
                if sequence:
                    # Sequence names come from the catalogue, already quoted where needed.
                    cursor.execute(f"SELECT last_value, is_called FROM {sequence}")
                    last_value, is_called = cursor.fetchone()
                    marks[model._meta.label_lower] = last_value if is_called else last_value - 1
    return marks


def _dump_database(writer: _Writer, alias: str) -> tuple[dict, set[str]]:
    conn = connections[alias]
    model_list = backed_up_models()
    marks = _sequence_marks(alias, model_list)
    tables, referenced = {}, set()
    for model in model_list:
        label = model._meta.label_lower
        columns = _columns(model)
        names = [f.attname for f in columns]
        files = [i for i, f in enumerate(columns) if isinstance(f, models.FileField)]
        pk_index = names.index(model._meta.pk.attname)
        member = f"{DATABASE_DIR}{label}.jsonl"
        rows, last_pk = 0, None
        queryset = model._base_manager.using(alias).order_by("pk").values_list(*names)
        with writer.member(member) as out:
            for row in queryset.iterator(chunk_size=2000):
                line = json.dumps(row, ensure_ascii=False, separators=(",", ":"), default=_encode)
                out.write(line.encode() + b"\n")
                rows += 1
                last_pk = row[pk_index]
                referenced.update(row[i] for i in files if row[i])
        last_id = marks.get(label)
        if _has_sequence(model) and isinstance(last_pk, int):
            last_id = max(last_id or 0, last_pk)
        tables[label] = {
            "table": model._meta.db_table,
            "columns": names,
            "rows": rows,
            "last_id": last_id if _has_sequence(model) else None,
            "member": member,
        }
    applied = MigrationRecorder(conn).applied_migrations()
    migrations = {}
    for app_label, name in sorted(applied):
        migrations.setdefault(app_label, []).append(name)
    return {"engine": conn.vendor, "migrations": migrations, "tables": tables}, referenced


def _dump_media(writer: _Writer, media_root: Path) -> tuple[int, int, set[str]]:
    """Every regular file under MEDIA_ROOT, not only those rows name: a backup should not decide
    that a file is rubbish. Links are not followed (uploads never make them)."""
    count = size = 0
    names = set()
    if not media_root.is_dir():
        return count, size, names
    for folder, subfolders, files in os.walk(media_root):
        subfolders.sort()
        for filename in sorted(files):
            path = Path(folder) / filename
            if path.is_symlink() or not path.is_file():
                continue
            name = path.relative_to(media_root).as_posix()
            try:
                source = path.open("rb")
            except FileNotFoundError:
                continue  # deleted since it was listed; reported below if a row names it
            mtime = os.fstat(source.fileno()).st_mtime
            with source, writer.member(MEDIA_DIR + name, mtime) as out:
                while chunk := source.read(CHUNK):
                    out.write(chunk)
                count += 1
                size += out.size
            names.add(name)
    return count, size, names


def create(path, *, stderr=None) -> BackupSummary:
    """Write a backup of the database and the uploaded files to `path` (a new file)."""
    path = Path(path).absolute()
    media_root = Path(settings.MEDIA_ROOT).absolute()
    if path.exists():
        raise BackupError(f"{path} already exists; give the backup a new name.")
    if not path.parent.is_dir():
        raise BackupError(f"The folder {path.parent} does not exist.")
    if path.resolve().is_relative_to(media_root.resolve()):
        raise BackupError(f"Write the backup outside the uploaded files folder ({media_root}).")
    # Written under another name and renamed when complete, so a backup that stops half-way
    # (disk full, interrupted) never leaves a file that looks like a backup.
    partial = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.partial")
    created_at = timezone.now()
    try:
        with tempfile.TemporaryDirectory(dir=path.parent, prefix=".coproduce-backup-") as work:
            # 0600: the backup holds everyone's personal data.
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w", allowZip64=True) as zf:
                writer = _Writer(zf)
                with _snapshot(Path(work)) as alias:
                    database, referenced = _dump_database(writer, alias)
                    # Read while the snapshot is held. An upload is saved before its row
                    # commits, so every file a snapshot row names is on disk unless it was
                    # deleted since; those are listed, not fatal: a backup now beats none.
                    files, file_bytes, archived = _dump_media(writer, media_root)
                missing = sorted(referenced - archived)
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "backup_id": str(uuid.uuid4()),
                    "created_at": created_at.isoformat(),
                    "app_version": _app_version(),
                    "secret_key_check": secret_key_check(settings.SECRET_KEY),
                    "database": database,
                    "media": {"files": files, "bytes": file_bytes, "missing": missing},
                    "members": writer.members,
                }
                zf.writestr(
                    MANIFEST,
                    json.dumps(manifest, indent=1, ensure_ascii=False),
                    compress_type=zipfile.ZIP_DEFLATED,
                )
            os.replace(partial, path)
    except OSError as exc:
        raise BackupError(f"Could not write {path}: {exc.strerror or exc}.") from None
    finally:
        partial.unlink(missing_ok=True)
    if missing and stderr is not None:
        stderr.write(
            f"Warning: {len(missing)} uploaded file(s) named in the database were not found and "
            f"are not in the backup (listed in its manifest), e.g. {missing[0]}.\n"
        )
    tables = manifest["database"]["tables"]
    summary = BackupSummary(
        path=path,
        tables=len(tables),
        rows=sum(t["rows"] for t in tables.values()),
        files=files,
        file_bytes=file_bytes,
        size=path.stat().st_size,
        missing_files=missing,
    )
    _audit("backup.create", manifest, path)
    return summary


def _audit(action: str, manifest: dict, path: Path, **changes) -> None:
    """The audit event of a backup or a restore. There is no row to name, so the event names
    the backup by its id (audit.record needs a model instance)."""
    with transaction.atomic():
        AuditEvent.objects.create(
            actor_label="system",
            action=action,
            object_type="core.backup",
            object_id=manifest["backup_id"],
            object_repr=path.name[:255],
            changes={
                "created_at": [None, manifest["created_at"]],
                **{key: [None, value] for key, value in changes.items()},
            },
        )


# -- Reading the archive -------------------------------------------------------------------------


def _damaged(name: str, detail: str) -> BackupError:
    return BackupError(f"{name} is damaged ({detail}); nothing was changed.")


@contextmanager
def _open_archive(path: Path):
    name = path.name
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise BackupError(f"{name} is not a coproduce backup (it is not a zip file).") from None
    with zf:
        yield zf


def _read_manifest(zf: zipfile.ZipFile, name: str) -> dict:
    try:
        info = zf.getinfo(MANIFEST)
    except KeyError:
        raise BackupError(f"{name} is not a coproduce backup (it has no {MANIFEST}).") from None
    limit = limits.get("member_bytes")
    if info.file_size > limit:
        raise _damaged(name, f"its manifest is larger than {file_size(limit)}")
    try:
        with zf.open(info) as stream:
            manifest = json.loads(stream.read(limit + 1))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError):
        raise _damaged(name, "its manifest cannot be read") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{name} is not a coproduce backup (its manifest is not ours).")
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise BackupError(
            f"{name} is in backup format {version}, which this version of coproduce "
            f"({_app_version()}) cannot read; restore it with the version that made it."
        )
    try:
        _check_manifest_shape(manifest)
    except (KeyError, TypeError, ValueError, AttributeError):
        raise _damaged(name, "its manifest is incomplete") from None
    names = [info.filename for info in zf.infolist()]
    listed = set(manifest["members"])
    if len(names) != len(set(names)) or set(names) - {MANIFEST} != listed:
        raise _damaged(name, "its files do not match its manifest")
    for member in names:
        if not safe_member_name(member) or member.endswith("/"):
            raise _damaged(name, f"it names a file outside itself: {member}")
        if (
            member != MANIFEST
            and zf.getinfo(member).file_size != manifest["members"][member]["size"]
        ):
            raise _damaged(name, f"{member} is not the size its manifest records")
    return manifest


def _check_manifest_shape(manifest: dict) -> None:
    """Raises KeyError, TypeError or ValueError when something a restore reads is missing."""
    for key in ("backup_id", "created_at", "app_version", "secret_key_check"):
        if not isinstance(manifest[key], str):
            raise TypeError(key)
    database = manifest["database"]
    for app_label, names in database["migrations"].items():
        if not all(isinstance(n, str) for n in [app_label, *names]):
            raise TypeError("migrations")
    for label, table in database["tables"].items():
        if not isinstance(label, str) or table["member"] not in manifest["members"]:
            raise ValueError(label)
        if not all(isinstance(c, str) for c in table["columns"]):
            raise TypeError(label)
        if not isinstance(table["rows"], int) or not isinstance(table["last_id"], int | None):
            raise TypeError(label)
    for member, entry in manifest["members"].items():
        if not isinstance(entry["size"], int) or entry["size"] < 0:
            raise ValueError(member)
        if not isinstance(entry["sha256"], str):
            raise TypeError(member)
        if not member.startswith((DATABASE_DIR, MEDIA_DIR)):
            raise ValueError(member)
    if not isinstance(manifest["media"]["missing"], list):
        raise TypeError("media")


def _check_secret_key(manifest: dict, accept_new_secret_key: bool, name: str) -> str:
    check = manifest["secret_key_check"]
    if constant_time_compare(check, secret_key_check(settings.SECRET_KEY)):
        return "same"
    for fallback in getattr(settings, "SECRET_KEY_FALLBACKS", []):
        if constant_time_compare(check, secret_key_check(fallback)):
            return "fallback"
    if accept_new_secret_key:
        return "different"
    raise BackupError(
        f"{name} was made under a different SECRET_KEY: restored under this one, people could "
        "answer pulses they have already answered and everyone would be signed out, so set "
        "SECRET_KEY to the old key (or add it to SECRET_KEY_FALLBACKS), or restore with "
        "--accept-new-secret-key."
    )


@dataclass
class _SchemaPlan:
    """How the backup's schema relates to this version's: the same, or older (then the rows are
    loaded into the backup's schema and migrated forward)."""

    same: bool
    targets: list[tuple[str, str | None]]
    backup_nodes: set[tuple[str, str]]


def _schema_plan(manifest: dict, name: str) -> _SchemaPlan:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    backup_nodes = {
        (app_label, migration)
        for app_label, names in manifest["database"]["migrations"].items()
        for migration in names
    }
    # A squashed migration counts as applied when everything it replaces was, and the reverse.
    for key, migration in loader.replacements.items():
        if set(migration.replaces) <= backup_nodes:
            backup_nodes.add(key)
        elif key in backup_nodes:
            backup_nodes.update(migration.replaces)
    unknown = sorted(backup_nodes - known)
    if unknown:
        app_label, migration = unknown[0]
        raise BackupError(
            f"{name} comes from a newer version of coproduce ({manifest['app_version']}, with "
            f"migration {app_label}.{migration}, which this version does not have); upgrade "
            "coproduce, then restore."
        )
    graph = loader.graph
    if set(graph.nodes) <= backup_nodes:
        return _SchemaPlan(same=True, targets=[], backup_nodes=backup_nodes)
    targets = []
    for app_label in sorted({app for app, _name in graph.nodes}):
        applied = {node for node in backup_nodes if node[0] == app_label and node in graph.nodes}
        latest = [node for node in applied if applied <= set(graph.forwards_plan(node))]
        if applied and not latest:
            raise _damaged(name, f"its migrations for {app_label} do not form one line")
        targets.append(latest[0] if latest else (app_label, None))
    return _SchemaPlan(same=False, targets=targets, backup_nodes=backup_nodes)


def _tables_with_rows() -> list[str]:
    existing = set(connection.introspection.table_names())
    found = []
    for model in backed_up_models():
        if model._meta.label_lower in MADE_BY_MIGRATE or model._meta.db_table not in existing:
            continue
        if model._base_manager.exists():
            found.append(model._meta.db_table)
    return found


def _extract(zf: zipfile.ZipFile, manifest: dict, staging: Path, name: str) -> None:
    """Unpack every member into `staging`, checking its size and SHA-256 as it is written:
    never more bytes than the manifest records, whatever the zip's headers say."""
    needed = sum(entry["size"] for entry in manifest["members"].values())
    free = shutil.disk_usage(staging).free
    if needed > free:
        raise BackupError(
            f"There is not enough free space in {staging.parent} to unpack {name} "
            f"(it needs {file_size(needed)}; {file_size(free)} is free)."
        )
    root = staging.resolve()
    for member, entry in sorted(manifest["members"].items()):
        target = (staging / member).resolve()
        if not target.is_relative_to(root):
            raise _damaged(name, f"it names a file outside itself: {member}")
        target.parent.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        try:
            with zf.open(member) as source, target.open("wb") as out:
                while chunk := source.read(min(CHUNK, entry["size"] - size + 1)):
                    size += len(chunk)
                    if size > entry["size"]:
                        break
                    digest.update(chunk)
                    out.write(chunk)
        except (zipfile.BadZipFile, EOFError, RuntimeError, ValueError, NotImplementedError):
            raise _damaged(name, f"{member} cannot be unpacked") from None
        if size != entry["size"] or digest.hexdigest() != entry["sha256"]:
            raise _damaged(name, f"{member} does not match its checksum")


def _rows(path: Path, columns: list[str], name: str, member: str):
    limit = limits.get("member_bytes")
    with path.open("rb") as lines:
        while line := lines.readline(limit + 1):
            if not line.endswith(b"\n"):
                raise _damaged(name, f"a row of {member} is longer than {file_size(limit)}")
            try:
                row = json.loads(line)
            except ValueError:
                raise _damaged(name, f"{member} holds a line that is not a row") from None
            if not isinstance(row, list) or len(row) != len(columns):
                raise _damaged(name, f"{member} holds a row with the wrong number of values")
            yield row


def _preparer(field_):
    """A column's value from the backup as the database takes it."""
    decode = _decoder(field_)
    return lambda value: field_.get_db_prep_save(decode(value), connection)


def _insert(table: str, fields, rows: list[list]) -> None:
    # Plain INSERTs of prepared values: no save(), signals or auto_now, which would change
    # what is restored. Many rows a statement, within the engine's limit on parameters.
    quote = connection.ops.quote_name
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(table)} ({', '.join(quote(f.column) for f in fields)}) "
            f"VALUES {', '.join([one] * len(rows))}",
            [value for row in rows for value in row],
        )


def _load_rows(manifest: dict, staging: Path, registry, name: str) -> int:
    per_statement = connection.features.max_query_params or 65_535
    total = 0
    for label, table in manifest["database"]["tables"].items():
        try:
            model = registry.get_model(label)
        except (LookupError, ValueError):
            raise _damaged(name, f"it holds a table this schema does not have: {label}") from None
        fields = _columns(model)
        if sorted(table["columns"]) != sorted(f.attname for f in fields):
            raise _damaged(name, f"the columns of {label} do not match its schema")
        order = [table["columns"].index(f.attname) for f in fields]
        preparers = [_preparer(f) for f in fields]
        size = max(1, min(1000, per_statement // len(fields)))
        batch, count = [], 0
        for row in _rows(staging / table["member"], table["columns"], name, table["member"]):
            try:
                batch.append([prepare(row[i]) for prepare, i in zip(preparers, order, strict=True)])
            except Exception:  # any field's parse error means a damaged row
                raise _damaged(name, f"{table['member']} holds a value of the wrong type") from None
            if len(batch) == size:
                _insert(model._meta.db_table, fields, batch)
                count, batch = count + len(batch), []
        if batch:
            _insert(model._meta.db_table, fields, batch)
            count += len(batch)
        if count != table["rows"]:
            raise _damaged(name, f"{table['member']} holds {count} rows, not {table['rows']}")
        total += count
    return total


def _set_sequences(manifest: dict) -> None:
    """Next ids continue after the highest the backed-up instance ever used."""
    marks = {
        label: table["last_id"] or 0 for label, table in manifest["database"]["tables"].items()
    }
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in backed_up_models():
            if not _has_sequence(model):
                continue
            table, column = model._meta.db_table, model._meta.pk.column
            mark = marks.get(model._meta.label_lower, 0)
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, %s), "
                    f"GREATEST(COALESCE(MAX({quote(column)}), 0), %s, 1), "
                    f"GREATEST(COALESCE(MAX({quote(column)}), 0), %s) > 0) FROM {quote(table)}",
                    [quote(table), column, mark, mark],
                )
            elif connection.vendor == "sqlite" and mark:
                cursor.execute(
                    "UPDATE sqlite_sequence SET seq = MAX(seq, %s) WHERE name = %s", [mark, table]
                )
                if cursor.rowcount == 0:
                    cursor.execute(
                        "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, mark]
                    )


@dataclass
class _Swap:
    media_root: Path
    old: Path | None


def _swap_media(staged: Path, media_root: Path) -> _Swap:
    """Renames on one file system: the unpacked files take MEDIA_ROOT's place at once."""
    old = None
    if media_root.exists():
        old = media_root.with_name(f".{media_root.name}-before-restore-{uuid.uuid4().hex[:8]}")
        os.rename(media_root, old)
    try:
        os.rename(staged, media_root)
    except OSError:
        if old is not None:
            os.rename(old, media_root)
        raise
    return _Swap(media_root, old)


def _undo_swap(swap: _Swap) -> None:
    shutil.rmtree(swap.media_root, ignore_errors=True)
    if swap.old is not None:
        os.rename(swap.old, swap.media_root)


def _replace_database(manifest, staging, plan: _SchemaPlan, name, path, key_state) -> _Swap:
    media_root = Path(settings.MEDIA_ROOT).absolute()
    staged_media = staging / MEDIA_DIR.rstrip("/")
    staged_media.mkdir(exist_ok=True)
    swap = None
    # SQLite cannot turn foreign-key enforcement off inside a transaction, and its schema
    # editor (migrating an older backup forward) needs it off: turn it off before, check every
    # reference explicitly before committing, and turn it on again after.
    own_checks = connection.vendor == "sqlite" and not connection.in_atomic_block
    if own_checks:
        connection.disable_constraint_checking()
    try:
        with transaction.atomic():
            # PostgreSQL refuses to TRUNCATE with deferred checks pending; run them now.
            connection.check_constraints()
            tables = connection.introspection.django_table_names(only_existing=True)
            # Every table at once, so nothing needs cascading.
            flush = connection.ops.sql_flush(no_style(), tables, reset_sequences=True)
            connection.ops.execute_sql_flush(flush)
            registry = global_apps
            executor = None
            if not plan.same:
                executor = MigrationExecutor(connection)
                executor.migrate(plan.targets)
                registry = executor.loader.project_state(
                    [t for t in plan.targets if t[1] is not None], at_end=True
                ).apps
            rows = _load_rows(manifest, staging, registry, name)
            ContentType.objects.clear_cache()
            if executor is not None:
                executor.loader.build_graph()
                executor.migrate(executor.loader.graph.leaf_nodes())
                emit_post_migrate_signal(verbosity=0, interactive=False, db=DEFAULT_DB_ALIAS)
            _set_sequences(manifest)
            for module in app_modules("backup"):
                if hasattr(module, "after_restore"):
                    module.after_restore()
            connection.check_constraints()
            # Cached values (rate-limit counts) belong to the data that was replaced.
            for cache in caches.all():
                cache.clear()
            _audit(
                "backup.restore",
                manifest,
                path,
                rows=rows,
                files=manifest["media"]["files"],
                secret_key=key_state,
                migrated=not plan.same,
            )
            swap = _swap_media(staged_media, media_root)
    except BaseException:
        if swap is not None:
            _undo_swap(swap)
        raise
    finally:
        if own_checks:
            connection.enable_constraint_checking()
    return swap


def _ensure_migrated() -> None:
    """A fresh database gets this version's schema first (what `coproduce release` would do)."""
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", interactive=False, verbosity=0)


def restore(path, *, force: bool = False, accept_new_secret_key: bool = False) -> RestoreSummary:
    """Replace the database and the uploaded files with the backup at `path`.

    Refused, with nothing changed, when the file is not a backup or is damaged, when it was
    made under another SECRET_KEY (unless accept_new_secret_key), when it comes from a newer
    schema, and when this database already holds data (unless force)."""
    path = Path(path).absolute()
    name = path.name
    with _open_archive(path) as zf:
        manifest = _read_manifest(zf, name)
        key_state = _check_secret_key(manifest, accept_new_secret_key, name)
        plan = _schema_plan(manifest, name)
        if not force:
            tables = _tables_with_rows()
            if tables:
                raise BackupError(
                    f"This database already holds data ({len(tables)} tables have rows, e.g. "
                    f"{tables[0]}); restore with --force to replace all of it with {name}."
                )
        media_root = Path(settings.MEDIA_ROOT).absolute()
        media_root.parent.mkdir(parents=True, exist_ok=True)
        # Beside MEDIA_ROOT, so the unpacked files can be renamed into place.
        staging = Path(tempfile.mkdtemp(prefix=".coproduce-restore-", dir=media_root.parent))
        try:
            try:
                _extract(zf, manifest, staging, name)
            except OSError as exc:
                raise BackupError(
                    f"Could not unpack {name} into {staging.parent}: {exc.strerror or exc}; "
                    "nothing was changed."
                ) from None
            _ensure_migrated()
            try:
                swap = _replace_database(manifest, staging, plan, name, path, key_state)
            except IrreversibleError as exc:
                raise BackupError(
                    f"{name} comes from an older schema that this version cannot recreate to "
                    f"load it into ({exc}); restore it with the version that made it, then "
                    "upgrade."
                ) from None
            except DatabaseError as exc:
                detail = (
                    str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                )
                raise BackupError(
                    f"The rows in {name} could not be loaded ({detail}); nothing was changed."
                ) from None
            except OSError as exc:
                raise BackupError(
                    f"Could not put the uploaded files in place in {media_root}: "
                    f"{exc.strerror or exc}; nothing was changed."
                ) from None
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    if swap.old is not None:
        shutil.rmtree(swap.old, ignore_errors=True)
    tables = manifest["database"]["tables"]
    return RestoreSummary(
        tables=len(tables),
        rows=sum(t["rows"] for t in tables.values()),
        files=manifest["media"]["files"],
        file_bytes=manifest["media"]["bytes"],
        created_at=manifest["created_at"],
        app_version=manifest["app_version"],
        secret_key=key_state,
        migrated=not plan.same,
    )
