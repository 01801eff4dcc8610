"""Moving studies in and out: REFI-QDA projects (.qdpx) and codebooks (.qdc), and codings as CSV
and Excel. `tables` holds the mapping both directions share, `writer` and `reader` the files,
`actions` and `tasks` the database writes and background jobs, `views` the page. The names most
callers need are handed on here."""

from .reader import Parsed, looks_like_zip, read_qdc, read_qdpx
from .selectors import study_counts
from .tables import COLOUR, FROM_REFI_TYPES, IMPORTED_CODER, NS, meta_join, meta_split
from .writer import codings_csv, codings_header, codings_rows, codings_xlsx, export_qdc, export_qdpx

__all__ = [
    "COLOUR",
    "FROM_REFI_TYPES",
    "IMPORTED_CODER",
    "NS",
    "Parsed",
    "codings_csv",
    "codings_header",
    "codings_rows",
    "codings_xlsx",
    "export_qdc",
    "export_qdpx",
    "looks_like_zip",
    "meta_join",
    "meta_split",
    "read_qdc",
    "read_qdpx",
    "study_counts",
]
