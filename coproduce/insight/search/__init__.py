"""Full-text search across a study's sources, and "find similar passages". The interface is
index.py (whatever the database); sqlite.py and postgresql.py keep the index, text.py reads
words and queries; tasks.py, selectors.py and views.py serve the worker and the search page.
The names callers need are handed on here."""

from .index import (
    COUNT_LIMIT,
    Hit,
    after_restore,
    backend,
    index_sources,
    rebuild,
    remove_sources,
    search,
    similar,
)
from .selectors import filter_choices
from .text import MAX_QUERY, Query, Term, fold, parse, snippet, tfidf_cosines, words

__all__ = [
    "MAX_QUERY",
    "COUNT_LIMIT",
    "Hit",
    "Query",
    "Term",
    "after_restore",
    "backend",
    "filter_choices",
    "fold",
    "index_sources",
    "parse",
    "rebuild",
    "remove_sources",
    "search",
    "similar",
    "snippet",
    "tfidf_cosines",
    "words",
]
