"""How much one uploaded file may hold once it is unpacked and read, for every importer.

The size of an upload says little about what is inside it: a 300 KB zip can unpack to 300 MB,
an 800-byte OpenDocument file can ask for fifty million spaces, a small spreadsheet can hold
millions of rows. Each importer therefore checks what it reads against these limits as it reads,
and stops with `LimitExceeded` (one clear sentence naming the file, what it held and the limit)
before memory or time runs away.

Every limit has a default here and can be changed in settings (`COPRODUCE_LIMITS`, filled from
COPRODUCE_LIMIT_<NAME> environment variables). They are read when used, not at import, so a
test or a deployment can change one without restarting anything that imported this module.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .formats import file_size

MB = 1024 * 1024

DEFAULTS = {
    # The largest file a background import (.qdpx, .qdc) accepts. Project files from other tools
    # carry audio and pictures we do not read, so this is far above what their text needs.
    "upload_bytes": 200 * MB,
    # One file inside a zip (.qdpx, .docx, .odt, .xlsx) once unpacked: a Word document of a
    # very long transcript is a few MB of XML; a whole study's project.qde a few tens.
    "member_bytes": 64 * MB,
    # Everything read from one zip, once unpacked.
    "archive_bytes": 256 * MB,
    # Files inside one zip: each costs memory as soon as the zip is opened.
    "archive_members": 10_000,
    # One XML document (project.qde, a .qdc codebook) before it is parsed.
    "xml_bytes": 64 * MB,
    # Elements nested inside each other. Real documents stay under 30 (a code tree ten deep is
    # rare); deeper nesting only makes parsers and our recursive readers slow.
    "xml_depth": 100,
    # Characters of text in one source or transcript: about 800,000 words, a hundred times a
    # long interview.
    "source_chars": 5_000_000,
    # Rows of a participants spreadsheet, its columns (an identifier and the attributes) and
    # cells in all: 5,000 participants with 30 attributes. Reading an Excel cell costs about
    # 20 microseconds, so the cells bound how long a web request spends reading (3 seconds).
    "rows": 5_000,
    "columns": 100,
    "cells": 150_000,
    # Files in one upload of several at once (transcripts).
    "files": 20,
    # A running job that has not reported progress for this long has lost its worker (killed,
    # out of memory, restarted) and is marked failed so it can be tried again. Generous,
    # because training suggestions reports progress only between long steps.
    "job_silence_seconds": 60 * 60,
}


def get(name: str) -> int:
    """The limit in force: the setting if there is one, else the default."""
    return int(getattr(settings, "COPRODUCE_LIMITS", {}).get(name, DEFAULTS[name]))


class LimitExceeded(ValidationError):
    """A file holds more than a limit allows. Its one message says which file, how much it
    held and what the limit is; it is a ValidationError so forms, jobs and the command line
    show it as they show any other problem with a file."""

    def __init__(self, message: str):
        super().__init__(message, code="limit")


def count(value: int) -> str:
    return number_format(value, force_grouping=True)


def too_large(name: str, size: int, limit: int) -> LimitExceeded:
    return LimitExceeded(
        _("The file “%(name)s” is %(size)s; the limit is %(limit)s.")
        % {"name": name, "size": file_size(size), "limit": file_size(limit)}
    )


def too_large_unpacked(name: str, size: int, limit: int) -> LimitExceeded:
    return LimitExceeded(
        _("The file “%(name)s” holds %(size)s once unpacked; the limit is %(limit)s.")
        % {"name": name, "size": file_size(size), "limit": file_size(limit)}
    )


def more_than_unpacked(name: str, limit: int) -> LimitExceeded:
    """For a limit reached while unpacking, when the whole size is not known (nor wanted)."""
    return LimitExceeded(
        _("The file “%(name)s” holds more than %(limit)s once unpacked.")
        % {"name": name, "limit": file_size(limit)}
    )


def too_many_characters(name: str) -> LimitExceeded:
    return LimitExceeded(
        _("“%(name)s” has more than %(limit)s characters of text, the most one source can hold.")
        % {"name": name, "limit": count(get("source_chars"))}
    )


def check_upload_size(name: str, size: int) -> None:
    if size > get("upload_bytes"):
        raise too_large(name, size, get("upload_bytes"))


def check_characters(name: str, text: str) -> str:
    if len(text) > get("source_chars"):
        raise too_many_characters(name)
    return text


def too_many_rows() -> ValidationError:
    return LimitExceeded(
        _("The file has more than %(max)s rows; split it into smaller files.")
        % {"max": get("rows")}
    )


def check_files(files) -> None:
    """Refuse an upload of more files at once than the limit (before any is read)."""
    if len(files) > get("files"):
        raise LimitExceeded(_("Import at most %(max)s files at a time.") % {"max": get("files")})
