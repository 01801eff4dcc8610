"""The pages that bring the apps together: the home page (what is waiting for you, your
meetings and projects), "me" (your own register entry), the language switch (which offers to
save the language on the register) and the 403 page (which names who can give access). They
sit above every app, beside coproduce.urls, so that core stays below the apps."""

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from coproduce.core import reminders
from coproduce.core import views as core_views
from coproduce.people import selectors as people_selectors
from coproduce.people.roles import roles_for
from coproduce.projects import selectors as project_selectors


class Home(TemplateView):
    template_name = "core/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        if user.is_authenticated:
            context["meetings"] = project_selectors.upcoming_meetings_for(user)
            context["memberships"] = list(project_selectors.my_memberships(user)[:20])
            context["roles"] = roles_for(user)
            person = getattr(user, "person", None) if roles_for(user).person_id else None
            context["pending"] = reminders.pending_for(person)
            context["today"] = timezone.localdate()
        return context


class Me(View):
    def get(self, request):
        if not request.user.is_authenticated:
            return redirect("account_login")
        person_id = roles_for(request.user).person_id
        if person_id is None:
            return redirect("home")
        return redirect("people:detail", pk=person_id)


def _language_offer(code: str) -> tuple[str, str]:
    """(what happened, the offer), written in the language just chosen."""
    if code == "cy":
        return _("Pages are now in Cymraeg."), _("Use Cymraeg every time you sign in")
    return _("Pages are now in English."), _("Use English every time you sign in")


class SetLanguage(core_views.SetLanguage):
    """The language switch, and for a signed-in person whose preferred language on the register
    is another, an offer to save this one (the register's language is what sign-in uses)."""

    def get(self, request, code):
        response = super().get(request, code)
        person_id = roles_for(request.user).person_id
        if person_id is not None:
            preferred = people_selectors.preferred_language(person_id)
            if preferred and preferred != self.language:
                with translation.override(self.language):
                    done, offer = _language_offer(self.language)
                    link = (
                        reverse("people:language")
                        + "?"
                        + urlencode({"language": self.language, "next": self.next_url})
                    )
                    messages.info(
                        request,
                        format_html('{} <a class="nhsuk-link" href="{}">{}</a>', done, link, offer),
                    )
        return response


def forbidden(request, exception=None):
    """The 403 page, saying who can give access: the admins of the user's own organisations
    (only the page's organisation, on an organisation's page). Someone outside an organisation
    is told whom to ask without being shown anyone's name."""
    roles = roles_for(request.user)
    contacts = []
    if roles.person_id is not None:
        match = getattr(request, "resolver_match", None)
        on_organisation_page = match is not None and request.path.startswith("/organisations/")
        contacts = people_selectors.access_contacts(
            person_id=roles.person_id,
            organisation_slug=match.kwargs.get("slug") if on_organisation_page else None,
        )
    return render(request, "core/error.html", {"status": 403, "contacts": contacts}, status=403)
