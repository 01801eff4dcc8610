"""Numbers shown to people, worded in our own (translated) catalogue."""

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def file_size(size: int) -> str:
    """1536 -> "1.5 KB"; Django's filesizeformat has no Welsh, so we word it ourselves."""
    if size < 1024:
        return ngettext("%(num)s byte", "%(num)s bytes", size) % {"num": size}
    if size < 1024 * 1024:
        return _("%(size)s KB") % {"size": number_format(round(size / 1024, 1))}
    return _("%(size)s MB") % {"size": number_format(round(size / (1024 * 1024), 1))}
