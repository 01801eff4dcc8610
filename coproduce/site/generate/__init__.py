"""A synthetic, Wales-sized dataset (`coproduce data generate --scale wales`), and smaller
fixed fractions of it for tests and benchmarks.

At full scale: 7 health boards and 50 organisations, 100,000 people on the register, 5,000
projects, 50,000 meetings over three years, 200,000 decisions with their positions, 1,000,000
time records with claims in every state, and 500 insight studies with 10,000 transcripts and
1,000,000 codings, indexed for search. The demo sign-ins (coproduce.core.demo.SIGN_INS, same
password) hold their roles in the largest health board, so `coproduce demo` on the data folder
lets a person explore it; `coproduce demo` sees the generation's audit event and leaves the data
as it is.

Why bulk_create rather than the actions: the actions write and audit one row at a time, which
at this size would take hours and fill the audit trail with millions of events describing no real
change. The generator writes each table in batches (with ids it chooses, so nothing needs to be
read back) inside one transaction, and records the run as one audit event, which is also how
generated data is recognised. The search index is filled by the product's own indexer.

Deterministic: each section draws from its own generator seeded with the seed and its name, and
dates count back from the as-of day, so the same scale, seed and as-of day give the same rows
and the same ids on SQLite and PostgreSQL. The as-of day is today unless given, so that meetings,
open decisions and waiting claims are current whenever the data is made.
"""

import datetime
import gc
import sys

from django.db import connection, transaction
from django.utils import timezone

from coproduce.core import audit
from coproduce.core.models import AuditEvent
from coproduce.people.models import Organisation, Person

from . import insight, measures, people, projects, recognition
from .base import Progress, Run, reset_sequences

MARKER = "data.generate"
WALES = {
    "people": 100_000,
    "projects": 5_000,
    "meetings": 50_000,
    "decisions": 200_000,
    "contributions": 1_000_000,
    "studies": 500,
    "sources": 10_000,
    "codings": 1_000_000,
}
# Each scale is a fixed fraction of Wales; the 7 boards and 50 organisations are the same at all.
SCALES = {"tiny": 1000, "small": 100, "medium": 10, "wales": 1}
SECTIONS = [
    ("people", people),
    ("projects", projects),
    ("measures", measures),
    ("recognition", recognition),
    ("insight", insight),
]


class GenerateError(Exception):
    pass


def counts_for(scale: str) -> dict:
    divisor = SCALES[scale]
    return {key: max(1, value // divisor) for key, value in WALES.items()}


def generated() -> dict | None:
    """The generation's audit details (scale, seed, as-of day, rows written), or None if this
    database does not hold generated data."""
    event = AuditEvent.objects.filter(action=MARKER).order_by("id").first()
    return event.changes if event else None


def generate(*, scale: str = "tiny", seed: int = 2026, as_of=None, stream=sys.stderr) -> dict:
    """Fill an empty database; returns the rows written per model."""
    if scale not in SCALES:
        raise GenerateError(f"Unknown scale {scale!r}: choose one of {', '.join(SCALES)}.")
    if Organisation.objects.exists() or Person.objects.exists():
        raise GenerateError(
            "The database already holds organisations or people: generate into an empty one "
            "(a new COPRODUCE_DATA folder or DATABASE_URL)."
        )
    as_of = as_of or timezone.localdate()
    if isinstance(as_of, str):
        as_of = datetime.date.fromisoformat(as_of)
    run = Run(counts=counts_for(scale), seed=seed, as_of=as_of, progress=Progress(stream))
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # A larger page cache for this connection: indexes of million-row tables are built
            # as rows arrive, and the default 2 MB cache makes that several times slower.
            cursor.execute("PRAGMA cache_size = -262144")
    with transaction.atomic():
        for name, section in SECTIONS:
            run.section(name)
            section.generate(run)
        reset_sequences(run.next_ids)
        audit.record(
            by=None,
            action=MARKER,
            obj=Organisation.objects.order_by("id").first(),
            changes={
                "scale": scale,
                "seed": seed,
                "as_of": as_of.isoformat(),
                "rows": dict(sorted(run.written.items())),
            },
        )
    run.progress.finish()
    gc.unfreeze()
    if connection.vendor == "postgresql":
        # Planner statistics for the new tables now rather than whenever autovacuum gets there.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return run.written
