"""Checking an uploaded file by extension, size and its own first bytes, so a renamed file of
another type or an oversized scan is refused before anything is stored. Each kind of upload
(meeting papers, receipts) says what it accepts and words its own messages. Zips (Word, Excel,
OpenDocument) are also opened within the limits of limits.py, so a zip bomb is not stored and
passed on to whoever downloads it."""

from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import archives, limits
from .formats import file_size

ZIP = b"PK\x03\x04"


@dataclass(frozen=True)
class Accepts:
    """extension -> (content type, accepted leading bytes; None means UTF-8 text)."""

    types: dict
    max_bytes: int
    field: str
    wrong_type: str  # the message when the extension is not accepted
    too_large: str  # with %(size)s


def check(upload, accepts: Accepts) -> str:
    """Return the content type to store, or raise ValidationError on the form field."""

    def refuse(message):
        raise ValidationError({accepts.field: message})

    extension = PurePath(upload.name or "").suffix.lower()
    if extension not in accepts.types:
        refuse(accepts.wrong_type)
    if upload.size == 0:
        refuse(_("The selected file is empty."))
    # Never more than the upload limit, whatever a kind of upload allows.
    max_bytes = min(accepts.max_bytes, limits.get("upload_bytes"))
    if upload.size > max_bytes:
        refuse(accepts.too_large % {"size": file_size(max_bytes)})
    content_type, signatures = accepts.types[extension]
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if signatures is None:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError:
            # The sample may cut a multi-byte character; only the last 3 bytes may be partial.
            try:
                head[:-3].decode("utf-8")
            except UnicodeDecodeError:
                refuse(_("The text file is not readable text (UTF-8)."))
    elif not any(head.startswith(sig) for sig in signatures):
        refuse(_("The file's contents do not match its type (%(ext)s).") % {"ext": extension})
    elif head.startswith(ZIP):
        name = PurePath(upload.name).name
        try:
            archives.Archive(upload, name=name).close()
        except ValidationError as exc:  # BadArchive and LimitExceeded name the file
            refuse(exc.messages[0])
        finally:
            upload.seek(0)
    return content_type
