"""What a meeting paper may be (checked by coproduce.core.uploads before anything is stored)."""

from django.conf import settings
from django.utils.translation import gettext as _

from coproduce.core import uploads

ZIP = b"PK\x03\x04"
TYPES = {
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
    return uploads.check(
        upload,
        uploads.Accepts(
            types=TYPES,
            max_bytes=settings.PAPER_MAX_BYTES,
            field="file",
            wrong_type=_(
                "The paper must be a PDF, Word, OpenDocument, Excel, PowerPoint, text, PNG or "
                "JPEG file."
            ),
            too_large=_("The paper must be smaller than %(size)s."),
        ),
    )
