"""What a restored backup needs from insight (coproduce.core.backup calls `after_restore` inside
the restore's transaction, once every table is back).

The search index has a part outside the tables the backup holds: on SQLite the FTS5 table
insight_search_fts, on PostgreSQL each passage's tsvector, which a backup made on SQLite does not
have. Both are made again for the restored passages by search.after_restore.
"""

from .search import after_restore

__all__ = ["after_restore"]
