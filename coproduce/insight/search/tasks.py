"""Background work on the search index, run by the task worker."""

from django.db import connection
from django.tasks import task

from ..models import SearchPassage, Study
from . import index


@task()
def rebuild_search_index(study_id: int | None = None) -> int:
    """Index one study's sources afresh (or, without a study, the whole index). Returns how
    many passages were indexed."""
    study = Study.objects.filter(pk=study_id).first() if study_id is not None else None
    if study_id is not None and study is None:
        return 0
    return index.rebuild(study)


@task()
def compact_search_index() -> int:
    """Rebuild the whole index, clearing entries that SQLite could not remove because a source's
    text had changed before it was unindexed (see the search module)."""
    return index.rebuild()


@task()
def vacuum_search_index() -> bool:
    """PostgreSQL, after a large import: VACUUM (ANALYZE) the passages, which the import's own
    transaction cannot do. Until the first VACUUM every read of a freshly written page also
    writes it (hint bits), and searches right after a 600,000-passage import were 1.5-2 times
    slower than the same searches later (benchmarks/insight_search.py). Autovacuum would get
    there eventually; this makes it happen as soon as the worker is free. Returns whether it ran."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {SearchPassage._meta.db_table}")
    return True
