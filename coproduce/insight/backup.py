"""What a restored backup needs from insight (coproduce.core.backup calls `after_restore` inside
the restore's transaction, once every table is back).

The search index has a part outside the tables the backup holds: on SQLite the FTS5 table
insight_search_fts, on PostgreSQL each passage's tsvector, which a backup made on SQLite does not
have. Both are made again here for the restored passages, keeping their ids and so the order
results are listed in (index order); a full `search.rebuild()` would renumber them.
"""

from django.db import connection

from .models import SearchPassage, Source
from .search import CHUNK, FTS_TABLE, _body, _chunks, _write_index


def after_restore() -> None:
    if connection.vendor == "sqlite":
        # Whatever the replaced database had indexed goes; every restored passage is indexed.
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')")
        passages = SearchPassage.objects.all()
    elif connection.vendor == "postgresql":
        # A backup from PostgreSQL brings its vectors; one from SQLite has none yet.
        passages = SearchPassage.objects.filter(vector__isnull=True)
    else:
        return
    sources = sorted(set(passages.values_list("source_id", flat=True)))
    for chunk in _chunks(sources, CHUNK):
        texts = dict(Source.objects.filter(pk__in=chunk).values_list("pk", "text"))
        rows = list(
            passages.filter(source_id__in=chunk)
            .order_by("pk")
            .only("pk", "study_id", "source_id", "start", "end")
        )
        bodies = [_body(texts[p.source_id][p.start : p.end]) for p in rows]
        if connection.vendor == "sqlite":
            _write_index(rows, bodies)
        else:
            _set_vectors(rows, bodies)


def _set_vectors(rows, bodies) -> None:
    table = SearchPassage._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS p SET vector = to_tsvector('simple', v.body) "
            "FROM unnest(%s::bigint[], %s::text[]) AS v(id, body) WHERE p.id = v.id",
            [[r.pk for r in rows], bodies],
        )
