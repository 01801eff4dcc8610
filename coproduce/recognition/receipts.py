"""What a receipt may be: a PDF, PNG or JPEG, checked by coproduce.core.uploads (by its own first
bytes, as meeting papers are), so a renamed file of another type is refused."""

from django.utils.translation import gettext as _

from coproduce.core import uploads

# Receipts are photos or scans: 5 MB is plenty and keeps the store small.
MAX_BYTES = 5 * 1024 * 1024
TYPES = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
}


def check_receipt(upload, max_bytes: int = MAX_BYTES) -> str:
    """Return the content type to store, or raise ValidationError."""
    return uploads.check(
        upload,
        uploads.Accepts(
            types=TYPES,
            max_bytes=max_bytes,
            field="upload",
            wrong_type=_("The receipt must be a PDF, PNG or JPEG file."),
            too_large=_("The receipt must be smaller than %(size)s."),
        ),
    )
