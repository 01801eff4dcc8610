"""Background work on the search index (coproduce.insight.search), run by the task worker."""

from django.tasks import task

from . import search
from .models import Study


@task()
def rebuild_search_index(study_id: int | None = None) -> int:
    """Index one study's sources afresh (or, without a study, the whole index). Returns how
    many passages were indexed."""
    study = Study.objects.filter(pk=study_id).first() if study_id is not None else None
    if study_id is not None and study is None:
        return 0
    return search.rebuild(study)


@task()
def compact_search_index() -> int:
    """Rebuild the whole index, clearing entries that SQLite could not remove because a source's
    text had changed before it was unindexed (see the search module)."""
    return search.rebuild()
