"""What a receipt may be: a PDF, PNG or JPEG, checked by its own first bytes (as
coproduce/projects/papers.py checks papers), so a renamed file of another type is refused."""

from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from coproduce.core.formats import file_size

# Receipts are photos or scans: 5 MB is plenty and keeps the store small.
MAX_BYTES = 5 * 1024 * 1024
ALLOWED = {
    ".pdf": ("application/pdf", b"%PDF-"),
    ".png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    ".jpg": ("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff"),
}


def check_receipt(upload, max_bytes: int = MAX_BYTES) -> str:
    """Return the content type to store, or raise ValidationError."""
    extension = PurePath(upload.name or "").suffix.lower()
    if extension not in ALLOWED:
        raise ValidationError({"upload": _("The receipt must be a PDF, PNG or JPEG file.")})
    if upload.size == 0:
        raise ValidationError({"upload": _("The selected file is empty.")})
    if upload.size > max_bytes:
        raise ValidationError(
            {
                "upload": _("The receipt must be smaller than %(size)s.")
                % {"size": file_size(max_bytes)}
            }
        )
    content_type, signature = ALLOWED[extension]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not head.startswith(signature):
        raise ValidationError(
            {
                "upload": _("The file's contents do not match its type (%(ext)s).")
                % {"ext": extension}
            }
        )
    return content_type
