"""The pages that bring the apps together: the home page (what is waiting for you, your
meetings and projects) and "me" (your own register entry). They sit above every app, beside
coproduce.urls, so that core stays below the apps."""

from django.shortcuts import redirect
from django.views import View
from django.views.generic import TemplateView

from coproduce.core import reminders
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
        return context


class Me(View):
    def get(self, request):
        if not request.user.is_authenticated:
            return redirect("account_login")
        person_id = roles_for(request.user).person_id
        if person_id is None:
            return redirect("home")
        return redirect("people:detail", pk=person_id)
