"""Site-wide pages that need no app: language switch, information pages, the audit log and the
health check. The home page and "me" read the apps, so they live in coproduce.site.views."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import translate_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import TemplateView

from .mixins import ObjectPermissionMixin
from .models import AuditEvent


def set_language_cookie(response, code: str):
    """Pages come in this language from now on (the cookie LocaleMiddleware reads)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=60 * 60 * 24 * 365,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=getattr(settings, "LANGUAGE_COOKIE_SECURE", False),
    )
    return response


class SetLanguage(View):
    """Switch between English and Cymraeg and come back to the same page.

    A plain link (GET) rather than a form, so it works from any page, by keyboard, without
    JavaScript; it changes only a preference cookie.
    """

    def get(self, request, code):
        if code not in dict(settings.LANGUAGES):
            code = settings.LANGUAGES[0][0]
        next_url = request.GET.get("next") or "/"
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = "/"
        self.language, self.next_url = code, next_url
        return set_language_cookie(HttpResponseRedirect(translate_url(next_url, code)), code)


class InfoPage(TemplateView):
    pass


class AuditLog(ObjectPermissionMixin, TemplateView):
    permission_required = "core.view_audit"
    template_name = "core/audit.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        events = AuditEvent.objects.all()
        action = self.request.GET.get("action", "").strip()
        if action:
            events = events.filter(action__startswith=action)
        page = Paginator(events, 50).get_page(self.request.GET.get("page"))
        context.update(page=page, action=action)
        return context


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")
