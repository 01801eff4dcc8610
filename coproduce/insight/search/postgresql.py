"""The search index on PostgreSQL: SearchPassage.vector, to_tsvector('simple', folded words),
with a GIN index. 'simple' has no stemming and no stop words, and accents are folded in Python
(text.py) rather than with the unaccent extension, which needs a database superuser.

Each function here has its namesake in sqlite.py; index.py picks one by the database.
"""

from django.db import connection, transaction
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

from ..models import SearchPassage
from .text import Query


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def insert(rows, bodies) -> None:
    """Insert the passages with their tsvectors in one statement per batch. Inserting first and
    setting the vector after would write every row twice (and leave as many dead rows for
    VACUUM): on 600,000 passages that doubled the time to index."""
    table = SearchPassage._meta.db_table
    with connection.cursor() as cursor:
        for batch in _chunks(list(zip(rows, bodies, strict=True)), 2000):
            cursor.execute(
                f'INSERT INTO {table} (study_id, source_id, turn_id, block, start, "end", digest,'
                " vector) SELECT v.study_id, v.source_id, v.turn_id, v.block, v.start, v.stop,"
                " v.digest, to_tsvector('simple', v.body) FROM unnest(%s::bigint[], %s::bigint[],"
                " %s::bigint[], %s::integer[], %s::integer[], %s::integer[], %s::bigint[],"
                " %s::text[]) AS v(study_id, source_id, turn_id, block, start, stop, digest, body)",
                [
                    [r.study_id for r, _b in batch],
                    [r.source_id for r, _b in batch],
                    [r.turn_id for r, _b in batch],
                    [r.block for r, _b in batch],
                    [r.start for r, _b in batch],
                    [r.end for r, _b in batch],
                    [r.digest for r, _b in batch],
                    [b for _r, b in batch],
                ],
            )


def after_large_index() -> None:
    """The planner picks between the GIN index and a scan by how common it thinks a word is;
    until the table is analysed it guesses, and after a large import those guesses made
    common-word searches 5-20 times slower (benchmarks/insight_search.py). Autovacuum would get
    there within minutes; this makes it true as the import commits."""
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {SearchPassage._meta.db_table}")
    # VACUUM cannot run inside this transaction: the worker does it once this commits.
    from .tasks import vacuum_search_index

    transaction.on_commit(lambda: vacuum_search_index.enqueue())


def forget(source_ids) -> int:
    """Nothing to do: a passage's vector goes with its row."""
    return 0


def clear() -> None:
    """Nothing to do: the vectors go with the passages."""


def unindexed_passages():
    """After a restore: a backup from PostgreSQL brings its vectors; one from SQLite has none."""
    return SearchPassage.objects.filter(vector__isnull=True)


def reindex(rows, bodies) -> None:
    """Set existing passages' vectors again (after a restore), keeping their ids."""
    table = SearchPassage._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS p SET vector = to_tsvector('simple', v.body) "
            "FROM unnest(%s::bigint[], %s::text[]) AS v(id, body) WHERE p.id = v.id",
            [[r.pk for r in rows], bodies],
        )


def page_ids(study, query: Query, passages, limit: int, offset: int, count_limit: int):
    """The ids of one page of matching passages (in index order) and the total, counted up to
    count_limit + 1."""
    matched = passages.filter(
        RawSQL(
            "insight_searchpassage.vector @@ to_tsquery('simple', %s)",
            [query.tsquery()],
            output_field=BooleanField(),
        )
    ).order_by()
    # One query, with no ORDER BY, for the total and the page: up to count_limit + 1 matches, in
    # whatever order the plan finds them, then sorted here. With ORDER BY id the planner walks
    # the primary key and tests every passage whenever it overestimates how many match
    # (phrases, filtered searches): 0.4-2 s at 600,000 passages, where this takes a GIN lookup
    # for rare words and stops early for common ones. Past count_limit the page is told "more
    # than", and only the first count_limit are listed.
    found = sorted(matched.values_list("pk", flat=True)[: count_limit + 1])
    return found[:count_limit][offset : offset + limit], len(found)


def document_frequencies(study, terms: list[str], cap: int) -> dict[str, int]:
    """How many of the study's passages have each word, counted up to `cap`."""
    part = (
        "SELECT %s, (SELECT count(*) FROM (SELECT 1 FROM insight_searchpassage WHERE "
        "study_id = %s AND vector @@ to_tsquery('simple', %s) LIMIT %s) s)"
    )
    params = []
    for term in terms:
        params += [term, study.pk, f"'{term}'", cap]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join([part] * len(terms)), params)
        return dict(cursor.fetchall())


def candidates(study, query: Query, limit: int) -> list[int]:
    """Passage ids matching any of the query's words, best-ranked (ts_rank) first."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM insight_searchpassage WHERE study_id = %s AND "
            "vector @@ to_tsquery('simple', %s) ORDER BY "
            "ts_rank(vector, to_tsquery('simple', %s)) DESC LIMIT %s",
            [study.pk, query.tsquery(), query.tsquery(), limit],
        )
        return [pk for (pk,) in cursor.fetchall()]
