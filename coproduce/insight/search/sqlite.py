"""The search index on SQLite (the embedded default): the contentless FTS5 table
insight_search_fts(study, body), rowid = passage id, made by migration 0003.

`study` holds one token ("s<id>") so a query is confined to one study inside FTS5; `body` holds
the folded words. A contentless table keeps only the index, never the text, but forgetting a row
needs the exact words it indexed. Each passage therefore keeps a digest of its text: a passage
whose source changed before it was unindexed leaves orphan index entries, which no query can
return (every query joins to the live passages) and which a background task
(tasks.compact_search_index) clears.

Each function here has its namesake in postgresql.py; index.py picks one by the database.
"""

from django.core.exceptions import EmptyResultSet
from django.db import connection

from ..models import SearchPassage, Source
from .text import Query, Term, _body, _digest

FTS_TABLE = "insight_search_fts"


def _write_index(rows, bodies) -> None:
    """The passages' words into the FTS5 table, keyed by the passage ids."""
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {FTS_TABLE}(rowid, study, body) VALUES (%s, %s, %s)",
            [(r.pk, f"s{r.study_id}", body) for r, body in zip(rows, bodies, strict=True)],
        )


def insert(rows, bodies) -> None:
    """Save new passages (SearchPassage rows without ids) with their words indexed."""
    SearchPassage.objects.bulk_create(rows, batch_size=500)
    _write_index(rows, bodies)


def after_large_index() -> None:
    """Nothing to do: SQLite plans FTS5 queries without statistics."""


def forget(source_ids) -> int:
    """Take these sources' passages out of the FTS5 table (the passages themselves are deleted
    by the caller). Returns how many could not be forgotten (orphans: their text changed)."""
    rows = list(
        SearchPassage.objects.filter(source_id__in=source_ids)
        .order_by()
        .values_list("pk", "study_id", "source_id", "start", "end", "digest")
    )
    if not rows:
        return 0
    texts = dict(Source.objects.filter(pk__in=source_ids).order_by().values_list("pk", "text"))
    forget, orphans = [], 0
    for pk, study_id, source_id, start, end, digest in rows:
        passage = texts.get(source_id, "")[start:end]
        if _digest(passage) == digest:
            forget.append((pk, f"s{study_id}", _body(passage)))
        else:
            orphans += 1
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, study, body) "
            "VALUES ('delete', %s, %s, %s)",
            forget,
        )
    return orphans


def clear() -> None:
    """Empty the whole index, orphans included."""
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')")


def unindexed_passages():
    """After a restore: whatever the replaced database had indexed goes, and every restored
    passage is to be indexed again."""
    clear()
    return SearchPassage.objects.all()


def reindex(rows, bodies) -> None:
    """Index existing passages again (after a restore), keeping their ids."""
    _write_index(rows, bodies)


def page_ids(study, query: Query, passages, limit: int, offset: int, count_limit: int):
    """The ids of one page of matching passages (in index order) and the total, counted up to
    count_limit + 1. The FTS5 table drives the join in rowid order, so neither the count nor a
    page has to look at more matches than it needs."""
    try:
        inner, params = passages.order_by().values("id").query.sql_with_params()
    except EmptyResultSet:
        return [], 0
    # CROSS JOIN keeps SQLite from reordering the join: matches are read in rowid order and
    # checked against the passages (and filters) one by one.
    join = (
        f"FROM {FTS_TABLE} CROSS JOIN ({inner}) AS live ON live.id = {FTS_TABLE}.rowid "
        f"WHERE {FTS_TABLE} MATCH %s"
    )
    params = [*params, query.fts(study.pk)]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM (SELECT 1 {join} LIMIT {count_limit + 1})", params)
        total = cursor.fetchone()[0]
        # As on PostgreSQL: past count_limit the total says "more than" and nothing is listed.
        if offset >= min(total, count_limit):
            return [], total
        cursor.execute(
            f"SELECT live.id {join} ORDER BY {FTS_TABLE}.rowid LIMIT %s OFFSET %s",
            [*params, min(limit, count_limit - offset), offset],
        )
        return [pk for (pk,) in cursor.fetchall()], total


def document_frequencies(study, terms: list[str], cap: int) -> dict[str, int]:
    """How many of the study's passages have each word, counted up to `cap`."""
    part = (
        f"SELECT %s, (SELECT count(*) FROM (SELECT rowid FROM {FTS_TABLE} "
        f"WHERE {FTS_TABLE} MATCH %s LIMIT %s))"
    )
    params = []
    for term in terms:
        params += [term, Query([[Term((term,))]]).fts(study.pk), cap]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join([part] * len(terms)), params)
        return dict(cursor.fetchall())


def candidates(study, query: Query, limit: int) -> list[int]:
    """Passage ids matching any of the query's words, best-ranked (BM25) first."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "
            f"ORDER BY bm25({FTS_TABLE}) LIMIT %s",
            [query.fts(study.pk), limit],
        )
        return [pk for (pk,) in cursor.fetchall()]
