"""The Jinja2 environment every page is rendered with."""

from django.conf import settings
from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext, ngettext, pgettext
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, PackageLoader

from coproduce.core.formats import file_size
from coproduce.core.forms import error_href, error_messages, error_parts


def url(name: str, *args, **kwargs) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def has_perm(user, perm: str, obj=None) -> bool:
    return bool(user and user.has_perm(perm, obj))


def local_date(value, fmt: str = "j F Y") -> str:
    """Dates in the active language ("3 Mawrth 2026" in Welsh)."""
    if value is None:
        return ""
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        value = timezone.localtime(value)
    return formats.date_format(value, fmt)


def local_datetime(value) -> str:
    return local_date(value, "j F Y, H:i")


def zip_crumb(pair) -> dict:
    href, text = pair
    return {"href": href, "text": text}


def environment(**options) -> Environment:
    # nhsuk-frontend-jinja's macros read optional nested parameters (params.a.b), which needs
    # ChainableUndefined; our own templates come first so they can override its partials.
    loader = options.pop("loader")
    options["undefined"] = ChainableUndefined
    options.setdefault("extensions", []).append("jinja2.ext.i18n")
    env = Environment(
        loader=ChoiceLoader([loader, PackageLoader("nhsuk_frontend_jinja")]),
        **options,
    )
    env.install_gettext_callables(gettext=gettext, ngettext=ngettext, newstyle=True)
    env.globals.update(
        url=url,
        static=static,
        has_perm=has_perm,
        get_messages=get_messages,
        field_errors=error_messages,
        error_href=error_href,
        error_parts=error_parts,
        pgettext=pgettext,
        get_language=translation.get_language,
        settings_languages=settings.LANGUAGES,
        # Read when called, so a changed setting (tests) is seen.
        signup_open=lambda: settings.SIGNUP == "open",
    )
    env.filters.update(
        local_date=local_date,
        local_datetime=local_datetime,
        zip_crumb=zip_crumb,
        file_size=file_size,
    )
    return env
