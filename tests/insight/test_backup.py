"""After a restore, insight rebuilds the part of its search index the backup does not hold: the
FTS5 table on SQLite, and the tsvectors a backup made on SQLite lacks on PostgreSQL."""

import pytest
from django.db import connection

from coproduce.insight import backup, search
from coproduce.insight.models import SearchPassage

from .sweep import build

# Engine-specific: also runs in the PostgreSQL pass (tests/test_suite_rules.py).
pytestmark = pytest.mark.postgres


def _found(study, query):
    hits, total = search.search(study, query)
    return [(h.source_name, h.start, h.end) for h in hits], total


def test_after_restore_rebuilds_a_lost_index_keeping_passage_ids(world):
    study = build(world)["study"]
    before = _found(study, "listened")
    ids = list(SearchPassage.objects.order_by("pk").values_list("pk", flat=True))
    # What a restore leaves: the passages, but not their index.
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {search.sqlite.FTS_TABLE}({search.sqlite.FTS_TABLE}) "
                "VALUES ('delete-all')"
            )
    else:
        SearchPassage.objects.update(vector=None)
    assert _found(study, "listened") == ([], 0)
    backup.after_restore()
    assert before == ([("Interview P01", 25, 61)], 1)
    assert _found(study, "listened") == before
    assert list(SearchPassage.objects.order_by("pk").values_list("pk", flat=True)) == ids
