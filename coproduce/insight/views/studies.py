"""Studies: the list, a study's overview and settings, its team, attributes and participants."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch, path, reverse
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from coproduce.core.mixins import ActionFormView
from coproduce.people.models import Organisation
from coproduce.people.roles import roles_for
from coproduce.projects.models import Project

from .. import actions
from ..forms.studies import (
    AttributeForm,
    MemberForm,
    MemberRoleForm,
    ParticipantForm,
    ParticipantImportForm,
    StudyForm,
    StudyUpdateForm,
)
from ..models import Participant, StudyMember
from ..selectors import studies as selectors
from .base import StudyMixin

PAGE_SIZE = 25
PARTICIPANTS_PAGE_SIZE = 50


def safe_url(name: str, *args) -> str | None:
    """The address of a page, or None while the area that has it is not built yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


# Every area of a study, in the order of the seed study's method (docs/domain.md §8):
# (url name, label, url-name prefixes that belong to the area, permission to see the link).
AREAS = [
    ("detail", gettext_lazy("Overview"), ("detail", "update"), "insight.view_study"),
    ("members", gettext_lazy("Team"), ("member",), "insight.manage_study"),
    ("attributes", gettext_lazy("Attributes"), ("attribute",), "insight.manage_study"),
    ("participants", gettext_lazy("Participants"), ("participant",), "insight.view_study"),
    ("sources", gettext_lazy("Sources"), ("source",), "insight.view_study"),
    ("search", gettext_lazy("Search"), ("search", "similar"), "insight.view_study"),
    ("pseudonymise", gettext_lazy("Pseudonymise"), ("pseudonym",), "insight.manage_study"),
    ("codebook", gettext_lazy("Codebook"), ("codebook", "code_"), "insight.view_study"),
    ("memos", gettext_lazy("Memos"), ("memo",), "insight.view_study"),
    ("themes", gettext_lazy("Themes"), ("theme",), "insight.view_study"),
    ("matrix", gettext_lazy("Framework matrix"), ("matrix", "cell"), "insight.view_study"),
    ("table1", gettext_lazy("Participant characteristics"), ("table1",), "insight.view_study"),
    ("barriers", gettext_lazy("Barriers and facilitators"), ("barrier",), "insight.view_study"),
    ("quotes", gettext_lazy("Quotes"), ("quote",), "insight.view_study"),
    ("interventions", gettext_lazy("Interventions"), ("intervention",), "insight.view_study"),
    ("agreement", gettext_lazy("Coder agreement"), ("agreement",), "insight.view_study"),
    ("exchange", gettext_lazy("Import and export"), ("exchange",), "insight.view_study"),
    ("suggestions", gettext_lazy("Suggestions"), ("suggestion",), "insight.code_study"),
    ("evaluation", gettext_lazy("Suggestion accuracy"), ("evaluation",), "insight.view_study"),
]


def study_nav(request, study) -> list[dict]:
    """The links of the study-area navigation (insight/_study_nav.html): the areas built so far
    that the user may open, the current one marked."""
    match = getattr(request, "resolver_match", None)
    current_name = match.url_name if match and match.namespace == "insight" else ""
    items = []
    for name, label, prefixes, permission in AREAS:
        href = safe_url(f"insight:{name}", study.slug)
        if href is None or not request.user.has_perm(permission, study):
            continue
        items.append(
            {
                "href": href,
                "text": str(label),
                "current": bool(current_name) and current_name.startswith(prefixes),
            }
        )
    return items


class NavMixin(StudyMixin):
    def get_context_data(self, **kwargs):
        return super().get_context_data(study_nav=study_nav(self.request, self.study), **kwargs)


class FormPage(NavMixin, ActionFormView):
    template_name = "insight/studies/form.html"
    heading = ""
    submit_text = gettext_lazy("Save")
    back_name = "insight:detail"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=self.heading, submit_text=self.submit_text, **kwargs
        )


# Studies


class StudyList(LoginRequiredMixin, TemplateView):
    template_name = "insight/studies/list.html"

    def get_context_data(self, **kwargs):
        page = Paginator(selectors.visible_studies(self.request.user), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        return super().get_context_data(
            page=page, can_create=self.request.user.has_perm("insight.create_study"), **kwargs
        )


def _managed(user):
    roles = roles_for(user)
    organisations = Organisation.objects.order_by("name")
    if not roles.superuser:
        organisations = organisations.filter(pk__in=roles.managing_orgs)
    return organisations


class StudyCreate(ActionFormView):
    permission_required = "insight.create_study"
    template_name = "insight/studies/create.html"
    form_class = StudyForm

    def get_permission_object(self):
        return None

    def get_form_kwargs(self):
        organisations = _managed(self.request.user)
        projects = Project.objects.filter(organisations__in=organisations).distinct()
        return super().get_form_kwargs() | {
            "organisations": organisations,
            "projects": projects.order_by("title"),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=_("Start a study"), submit_text=_("Start the study"), **kwargs
        )

    def perform(self, form):
        study = actions.create_study(by=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("The study has been started."))
        return study

    def get_success_url(self, result=None):
        return reverse("insight:detail", args=[result.slug])


class StudyDetail(NavMixin, TemplateView):
    template_name = "insight/studies/detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(counts=selectors.study_counts(self.study), **kwargs)


class StudyUpdate(FormPage):
    permission_required = "insight.manage_study"
    form_class = StudyUpdateForm

    @property
    def heading(self):
        return _("Change the study's details")

    def get_form_kwargs(self):
        projects = Project.objects.filter(organisations=self.study.organisation_id)
        return super().get_form_kwargs() | {"projects": projects.order_by("title")}

    def get_initial(self):
        s = self.study
        return {
            "title": s.title,
            "slug": s.slug,
            "project": s.project_id,
            "description": s.description,
            "descriptor_template": s.descriptor_template,
            "bcw_variant": s.bcw_variant,
        }

    def perform(self, form):
        study = actions.update_study(by=self.request.user, study=self.study, **form.cleaned_data)
        messages.success(self.request, _("The study has been changed."))
        return study

    def get_success_url(self, result=None):
        return reverse("insight:detail", args=[result.slug])


# Team


class Members(FormPage):
    permission_required = "insight.manage_study"
    template_name = "insight/studies/members.html"
    form_class = MemberForm

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"people": selectors.register_people(self.study)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            members=list(selectors.team(self.study)), role_form=MemberRoleForm(), **kwargs
        )

    def perform(self, form):
        member = actions.set_member(by=self.request.user, study=self.study, **form.cleaned_data)
        messages.success(
            self.request, _("%(name)s has joined the study team.") % {"name": member.person}
        )
        return member

    def get_success_url(self, result=None):
        return reverse("insight:members", args=[self.study.slug])


class MemberAction(StudyMixin, View):
    """POST-only changes to one team member."""

    permission_required = "insight.manage_study"
    http_method_names = ["post"]

    @cached_property
    def member(self):
        return get_object_or_404(
            StudyMember.objects.select_related("person", "study"),
            pk=self.kwargs["pk"],
            study=self.study,
        )

    def post(self, request, *args, **kwargs):
        try:
            self.act(request)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("insight:members", slug=self.study.slug)


class MemberRole(MemberAction):
    def act(self, request):
        form = MemberRoleForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Choose a role."))
        actions.set_member(
            by=request.user,
            study=self.study,
            person=self.member.person,
            role=form.cleaned_data["role"],
        )
        messages.success(request, _("The role has been changed."))


class MemberRemove(MemberAction):
    def act(self, request):
        actions.remove_member(by=request.user, member=self.member)
        messages.success(
            request, _("%(name)s has left the study team.") % {"name": self.member.person}
        )


# Attributes


class Attributes(FormPage):
    permission_required = "insight.manage_study"
    template_name = "insight/studies/attributes.html"
    form_class = AttributeForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(attributes=list(self.study.attributes.all()), **kwargs)

    def perform(self, form):
        attribute = actions.define_attribute(
            by=self.request.user, study=self.study, **form.cleaned_data
        )
        messages.success(
            self.request, _("The attribute %(label)s has been saved.") % {"label": attribute.label}
        )
        return attribute

    def get_success_url(self, result=None):
        return reverse("insight:attributes", args=[self.study.slug])


# Participants


def _visible_attributes(request, study):
    return selectors.attributes(
        study, include_special=request.user.has_perm("insight.view_special", study)
    )


class Participants(NavMixin, TemplateView):
    template_name = "insight/studies/participants.html"

    def get_context_data(self, **kwargs):
        attributes = _visible_attributes(self.request, self.study)
        names = [a.name for a in attributes]
        filters = {
            name: self.request.GET[name].strip()
            for name in names
            if name != "page" and self.request.GET.get(name, "").strip()
        }
        page = Paginator(
            selectors.participants(self.study, filters), PARTICIPANTS_PAGE_SIZE
        ).get_page(self.request.GET.get("page"))
        query = urlencode(filters)
        return super().get_context_data(
            attributes=attributes,
            filters=filters,
            values=selectors.attribute_values(self.study, names),
            page=page,
            query=query,
            **kwargs,
        )


class ParticipantMixin:
    @cached_property
    def participant(self):
        return get_object_or_404(Participant, pk=self.kwargs["pk"], study=self.study)


class ParticipantDetail(ParticipantMixin, NavMixin, TemplateView):
    template_name = "insight/studies/participant.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            participant=self.participant,
            attributes=_visible_attributes(self.request, self.study),
            sources=selectors.participant_sources(self.participant),
            memos=selectors.participant_memos(self.participant),
            **kwargs,
        )


class ParticipantCreate(FormPage):
    permission_required = "insight.manage_study"
    form_class = ParticipantForm

    @property
    def heading(self):
        return _("Add a participant")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"attributes": list(self.study.attributes.all())}

    def perform(self, form):
        data = form.cleaned_data
        participant = actions.add_participant(
            by=self.request.user,
            study=self.study,
            identifier=data["identifier"],
            attributes={k: v for k, v in data["attributes"].items() if v},
            speaker_labels=data["speaker_labels"],
        )
        messages.success(self.request, _("The participant has been added."))
        return participant

    def get_success_url(self, result=None):
        return reverse("insight:participant", args=[self.study.slug, result.pk])


class ParticipantUpdate(ParticipantMixin, FormPage):
    permission_required = "insight.manage_study"
    form_class = ParticipantForm

    @property
    def heading(self):
        return _("Change participant %(identifier)s") % {"identifier": self.participant}

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"attributes": list(self.study.attributes.all())}

    def get_initial(self):
        p = self.participant
        initial = {"identifier": p.identifier, "speaker_labels": ", ".join(p.speaker_labels)}
        initial.update({f"attr_{k}": v for k, v in p.attributes.items()})
        return initial

    def perform(self, form):
        data = form.cleaned_data
        participant = actions.update_participant(
            by=self.request.user,
            participant=self.participant,
            identifier=data["identifier"],
            attributes={k: v for k, v in data["attributes"].items() if v},
            speaker_labels=data["speaker_labels"],
        )
        messages.success(self.request, _("The participant has been changed."))
        return participant

    def get_success_url(self, result=None):
        return reverse("insight:participant", args=[self.study.slug, result.pk])


class ParticipantsImport(FormPage):
    permission_required = "insight.manage_study"
    template_name = "insight/studies/participants_import.html"
    form_class = ParticipantImportForm

    @property
    def heading(self):
        return _("Import participants")

    @property
    def submit_text(self):
        return _("Import")

    def get_context_data(self, **kwargs):
        return super().get_context_data(attributes=list(self.study.attributes.all()), **kwargs)

    def perform(self, form):
        headers, rows = form.cleaned_data["table"]
        report = actions.import_participants(
            by=self.request.user,
            study=self.study,
            headers=headers,
            rows=rows,
            create_unknown=form.cleaned_data["unknown"] == "create",
        )
        messages.success(
            self.request,
            _("%(added)s participants added, %(updated)s changed, %(unchanged)s unchanged.")
            % report,
        )
        if report["attributes_created"]:
            messages.success(
                self.request,
                _("New text attributes: %(names)s.")
                % {"names": ", ".join(report["attributes_created"])},
            )
        return report

    def get_success_url(self, result=None):
        return reverse("insight:participants", args=[self.study.slug])


urls = [
    path("insight/", StudyList.as_view(), name="list"),
    path("insight/new/", StudyCreate.as_view(), name="create"),
    path("insight/<slug:slug>/", StudyDetail.as_view(), name="detail"),
    path("insight/<slug:slug>/edit/", StudyUpdate.as_view(), name="update"),
    path("insight/<slug:slug>/team/", Members.as_view(), name="members"),
    path("insight/<slug:slug>/team/<int:pk>/role/", MemberRole.as_view(), name="member_role"),
    path("insight/<slug:slug>/team/<int:pk>/remove/", MemberRemove.as_view(), name="member_remove"),
    path("insight/<slug:slug>/attributes/", Attributes.as_view(), name="attributes"),
    path("insight/<slug:slug>/participants/", Participants.as_view(), name="participants"),
    path(
        "insight/<slug:slug>/participants/new/",
        ParticipantCreate.as_view(),
        name="participant_create",
    ),
    path(
        "insight/<slug:slug>/participants/import/",
        ParticipantsImport.as_view(),
        name="participants_import",
    ),
    path(
        "insight/<slug:slug>/participants/<int:pk>/",
        ParticipantDetail.as_view(),
        name="participant",
    ),
    path(
        "insight/<slug:slug>/participants/<int:pk>/edit/",
        ParticipantUpdate.as_view(),
        name="participant_update",
    ),
]
