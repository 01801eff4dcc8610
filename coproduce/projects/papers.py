"""What a meeting paper may be: checked by extension, size and the file's own first bytes, so a
renamed executable or an oversized scan is refused with a clear message."""

from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from coproduce.core.formats import file_size

ZIP = b"PK\x03\x04"
# extension -> (content type, accepted leading bytes; None = plain text)
ALLOWED = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (ZIP,),
    ),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (ZIP,)),
    ".pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (ZIP,),
    ),
    ".odt": ("application/vnd.oasis.opendocument.text", (ZIP,)),
    ".txt": ("text/plain", None),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
}


def check_paper(upload) -> str:
    """Return the content type to store, or raise ValidationError."""
    extension = PurePath(upload.name or "").suffix.lower()
    if extension not in ALLOWED:
        raise ValidationError(
            {
                "file": _(
                    "The paper must be a PDF, Word, OpenDocument, Excel, PowerPoint, "
                    "text, PNG or JPEG file."
                )
            }
        )
    if upload.size == 0:
        raise ValidationError({"file": _("The selected file is empty.")})
    if upload.size > settings.PAPER_MAX_BYTES:
        raise ValidationError(
            {
                "file": _("The paper must be smaller than %(size)s.")
                % {"size": file_size(settings.PAPER_MAX_BYTES)}
            }
        )
    content_type, signatures = ALLOWED[extension]
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
            except UnicodeDecodeError as exc:
                raise ValidationError(
                    {"file": _("The text file is not readable text (UTF-8).")}
                ) from exc
    elif not any(head.startswith(sig) for sig in signatures):
        raise ValidationError(
            {"file": _("The file's contents do not match its type (%(ext)s).") % {"ext": extension}}
        )
    return content_type
