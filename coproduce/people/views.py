import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from coproduce.core.mixins import ActionFormView, ObjectPermissionMixin
from coproduce.core.views import set_language_cookie

from . import actions, selectors
from .forms import (
    ConsentForm,
    EraseForm,
    LanguagePreferenceForm,
    OrganisationForm,
    OrganisationLinkForm,
    PersonForm,
    RegisterFilterForm,
)
from .models import Consent, Language, Organisation, OrganisationLink, Person
from .roles import roles_for

PAGE_SIZE = 25


def _person_kwargs(form) -> dict:
    data = dict(form.cleaned_data)
    on_behalf = data.pop("on_behalf", False)
    return data, on_behalf


class PersonMixin:
    @cached_property
    def person(self):
        return get_object_or_404(Person, pk=self.kwargs["pk"])

    def get_permission_object(self):
        return self.person

    def get_context_data(self, **kwargs):
        return super().get_context_data(person=self.person, **kwargs)


class PersonList(ObjectPermissionMixin, TemplateView):
    permission_required = "people.view_register"
    template_name = "people/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = RegisterFilterForm(self.request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        people = selectors.register(
            q=filters.get("q", ""),
            perspective=filters.get("perspective", ""),
            access_need=filters.get("access_need", ""),
            language=filters.get("language", ""),
            organisation=filters["organisation"].pk if filters.get("organisation") else None,
        )
        page = Paginator(people, PAGE_SIZE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(filter_form=form, page=page, query=query.urlencode())
        return context

    def get_template_names(self):
        if self.request.htmx:
            return ["people/_results.html"]
        return [self.template_name]


class PersonCreate(ActionFormView):
    permission_required = "people.add_person"
    template_name = "people/form.html"
    form_class = PersonForm

    def perform(self, form):
        data, on_behalf = _person_kwargs(form)
        person = actions.create_person(
            by=self.request.user,
            recorded_in_presence=on_behalf,
            consent_method="verbal" if on_behalf else "online",
            **data,
        )
        messages.success(
            self.request,
            _("%(name)s has been added to the register.") % {"name": person.display_name},
        )
        return person

    def get_success_url(self, result=None):
        return reverse("people:detail", args=[result.pk])


class PersonDetail(PersonMixin, ObjectPermissionMixin, TemplateView):
    permission_required = "people.view_person"
    template_name = "people/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["person"] = selectors.person_detail(self.person.pk)
        context["memberships"] = selectors.memberships_of(self.person)
        return context


class PersonUpdate(PersonMixin, ActionFormView):
    permission_required = "people.change_person"
    template_name = "people/form.html"
    form_class = PersonForm

    def get_initial(self):
        p = selectors.person_detail(self.person.pk)
        initial = {name: getattr(p, name) for name in actions.PERSON_FIELDS}
        initial["access_needs"] = [a.code for a in p.access_needs.all()]
        initial["perspectives"] = [x.code for x in p.perspectives.all()]
        return initial

    def perform(self, form):
        data, on_behalf = _person_kwargs(form)
        person = actions.update_person(
            by=self.request.user,
            person=self.person,
            on_behalf_of=self.person if on_behalf else None,
            consent_method="verbal" if on_behalf else "online",
            **data,
        )
        messages.success(self.request, _("The details have been saved."))
        return person

    def get_success_url(self, result=None):
        return reverse("people:detail", args=[self.person.pk])


class ConsentCreate(PersonMixin, ActionFormView):
    permission_required = "people.manage_consent"
    template_name = "people/consent_form.html"
    form_class = ConsentForm

    def perform(self, form):
        data = dict(form.cleaned_data)
        on_behalf = data.pop("on_behalf")
        consent = actions.give_consent(
            by=self.request.user,
            person=self.person,
            on_behalf_of=self.person if on_behalf else None,
            **data,
        )
        messages.success(self.request, _("Consent recorded."))
        return consent

    def get_success_url(self, result=None):
        return reverse("people:detail", args=[self.person.pk])


class ConsentWithdraw(PersonMixin, ObjectPermissionMixin, TemplateView):
    permission_required = "people.manage_consent"
    template_name = "people/consent_withdraw.html"

    @cached_property
    def consent(self):
        return get_object_or_404(Consent, pk=self.kwargs["consent_pk"], person=self.person)

    def get_context_data(self, **kwargs):
        return super().get_context_data(consent=self.consent, **kwargs)

    def post(self, request, *args, **kwargs):
        from django.core.exceptions import ValidationError
        from django.shortcuts import redirect

        try:
            actions.withdraw_consent(by=request.user, consent=self.consent)
            messages.success(request, _("Consent withdrawn."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("people:detail", pk=self.person.pk)


class PersonExport(PersonMixin, ObjectPermissionMixin, View):
    permission_required = "people.export_person"

    def get(self, request, *args, **kwargs):
        data = actions.export_person(by=request.user, person=self.person)
        response = HttpResponse(
            json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
        )
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = (
            f'attachment; filename="person-{self.person.pk}-{stamp}.json"'
        )
        return response


class PersonErase(PersonMixin, ActionFormView):
    permission_required = "people.erase_person"
    template_name = "people/erase.html"
    form_class = EraseForm

    def perform(self, form):
        person = actions.erase_person(
            by=self.request.user, person=self.person, reason=form.cleaned_data["reason"]
        )
        messages.success(self.request, _("The person's details have been erased."))
        return person

    def get_success_url(self, result=None):
        return reverse("people:detail", args=[self.person.pk])


class OrganisationLinkCreate(PersonMixin, ActionFormView):
    permission_required = "people.link_organisation"
    template_name = "people/link_form.html"
    form_class = OrganisationLinkForm

    def perform(self, form):
        link = actions.link_organisation(
            by=self.request.user, person=self.person, **form.cleaned_data
        )
        messages.success(self.request, _("Organisation link saved."))
        return link

    def get_success_url(self, result=None):
        return reverse("people:detail", args=[self.person.pk])


class OrganisationLinkDelete(PersonMixin, ObjectPermissionMixin, View):
    permission_required = "people.link_organisation"

    def post(self, request, *args, **kwargs):
        from django.shortcuts import redirect

        link = get_object_or_404(OrganisationLink, pk=kwargs["link_pk"], person=self.person)
        actions.unlink_organisation(by=request.user, link=link)
        messages.success(request, _("Organisation link removed."))
        return redirect("people:detail", pk=self.person.pk)


class OrganisationList(ObjectPermissionMixin, TemplateView):
    permission_required = "people.view_organisations"
    template_name = "people/organisations.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["organisations"] = selectors.organisations_with_counts()
        return context


class OrganisationCreate(ActionFormView):
    permission_required = "people.add_organisation"
    template_name = "people/organisation_form.html"
    form_class = OrganisationForm

    def perform(self, form):
        org = actions.create_organisation(by=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("Organisation added."))
        return org

    def get_success_url(self, result=None):
        return reverse("people:organisations")


class OrganisationUpdate(ActionFormView):
    permission_required = "people.change_organisation"
    template_name = "people/organisation_form.html"
    form_class = OrganisationForm

    @cached_property
    def organisation(self):
        return get_object_or_404(Organisation, slug=self.kwargs["slug"])

    def get_permission_object(self):
        return self.organisation

    def get_initial(self):
        return {name: getattr(self.organisation, name) for name in actions.ORGANISATION_FIELDS}

    def get_context_data(self, **kwargs):
        return super().get_context_data(organisation=self.organisation, **kwargs)

    def perform(self, form):
        org = actions.update_organisation(
            by=self.request.user, organisation=self.organisation, **form.cleaned_data
        )
        messages.success(self.request, _("Organisation saved."))
        return org

    def get_success_url(self, result=None):
        return reverse("people:organisations")


class LanguagePreference(ActionFormView):
    """The signed-in person's preferred language, offered after they switch language (see
    coproduce.site.views.SetLanguage) and reachable from their own page."""

    permission_required = "people.change_person"
    template_name = "people/language.html"
    form_class = LanguagePreferenceForm

    @cached_property
    def person(self):
        person_id = roles_for(self.request.user).person_id
        if person_id is None:
            raise PermissionDenied
        return get_object_or_404(Person, pk=person_id, erased_at__isnull=True)

    def get_permission_object(self):
        return self.person if self.request.user.is_authenticated else None

    def get_initial(self):
        asked = self.request.GET.get("language", "")
        language = asked if asked in Language.values else translation.get_language()
        return {"language": language, "next": self.request.GET.get("next", "")}

    def get_context_data(self, **kwargs):
        return super().get_context_data(person=self.person, **kwargs)

    def perform(self, form):
        language = form.cleaned_data["language"]
        actions.set_preferred_language(by=self.request.user, person=self.person, language=language)
        with translation.override(language):
            messages.success(self.request, _("Your preferred language has been saved."))
        self.language = language
        return form.cleaned_data["next"]

    def get_success_url(self, result=None):
        if result and url_has_allowed_host_and_scheme(
            result,
            allowed_hosts={self.request.get_host()},
            require_https=self.request.is_secure(),
        ):
            return result
        return reverse("people:detail", args=[self.person.pk])

    def form_valid(self, form):
        response = super().form_valid(form)
        if response.status_code == 302:
            set_language_cookie(response, self.language)
        return response
