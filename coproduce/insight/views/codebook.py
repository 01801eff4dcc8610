"""The codebook of an insight study and what is built on it: codes and their versions, themes
and memos.

Who may do what (rules.py): anyone on the study team reads; coders (and lead researchers) write
memos and add inductive codes; lead researchers change codes, seed frameworks, save codebook
versions and shape themes, because those decisions change the analysis for every coder.
"""

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import TemplateView

from coproduce.core.mixins import ActionFormView

from .. import actions, frameworks
from ..forms.coding import CodeForm, MemoForm, ThemeForm, VersionForm
from ..models import Code, Coding, Memo, MemoTarget, Participant, Source, Theme
from ..selectors import coding as selectors
from .coding import CodingPage, _maybe_url, _person_id

# -- Codebook ---------------------------------------------------------------------------------


def _comb_names():
    return dict(frameworks.comb_choices())


def _tdf_names():
    return dict(frameworks.tdf_choices())


class Codebook(CodingPage, TemplateView):
    template_name = "insight/coding/codebook.html"
    section = "codebook"

    def get_context_data(self, **kwargs):
        tree = selectors.code_tree(self.study, counts=True)
        return super().get_context_data(
            tree=tree,
            comb_names=_comb_names(),
            tdf_names=_tdf_names(),
            seeded_tdf=any(c.framework_key.startswith("tdf:") for c, _d in tree),
            **kwargs,
        )


class CodeDetail(CodingPage, TemplateView):
    template_name = "insight/coding/code.html"
    section = "codebook"

    @cached_property
    def code(self):
        return get_object_or_404(
            Code.objects.filter(study=self.study).select_related("parent"), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            code=self.code,
            passages=selectors.passages(self.code),
            children=list(self.code.children.all()),
            memos=selectors.memos(self.study, target="code", target_id=self.code.pk),
            comb_names=_comb_names(),
            tdf_names=_tdf_names(),
            **kwargs,
        )


class FormPage(CodingPage, ActionFormView):
    template_name = "insight/coding/form.html"
    heading = ""
    submit_text = ""
    back = None

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=self.heading, submit_text=self.submit_text, back=self.back, **kwargs
        )


class CodeCreate(FormPage):
    permission_required = "insight.code_study"
    form_class = CodeForm
    section = "codebook"

    @property
    def heading(self):
        return _("Add a code")

    @property
    def submit_text(self):
        return _("Add code")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"tree": selectors.code_tree(self.study)}

    def perform(self, form):
        code = actions.create_code(by=self.request.user, study=self.study, **form.cleaned_data)
        messages.success(self.request, _("Code added: %(name)s.") % {"name": code.name})
        return code

    def get_success_url(self, result=None):
        return reverse("insight:code", args=[self.study.slug, result.pk])


class CodeUpdate(FormPage):
    permission_required = "insight.manage_study"
    form_class = CodeForm
    section = "codebook"

    @cached_property
    def code(self):
        return get_object_or_404(Code.objects.filter(study=self.study), pk=self.kwargs["pk"])

    @property
    def heading(self):
        return _("Change code: %(name)s") % {"name": self.code.name}

    @property
    def submit_text(self):
        return _("Save code")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {
            "tree": selectors.code_tree(self.study),
            "exclude": self.code,
        }

    def get_initial(self):
        c = self.code
        return {
            "name": c.name,
            "parent": c.parent_id,
            "definition": c.definition,
            "inclusion": c.inclusion,
            "exclusion": c.exclusion,
            "comb": c.comb,
            "tdf_domains": c.tdf_domains,
            "colour": c.colour,
        }

    def perform(self, form):
        code = actions.update_code(by=self.request.user, code=self.code, **form.cleaned_data)
        messages.success(self.request, _("Code saved: %(name)s.") % {"name": code.name})
        return code

    def get_success_url(self, result=None):
        return reverse("insight:code", args=[self.study.slug, self.code.pk])


class CodebookSeed(CodingPage, View):
    """Adds the 14 TDF v2 domains under their COM-B sub-components (and COM-B if missing)."""

    permission_required = "insight.manage_study"

    def post(self, request, *args, **kwargs):
        with transaction.atomic():
            made = actions.seed_framework_codes(by=request.user, study=self.study, framework="comb")
            made += actions.seed_framework_codes(by=request.user, study=self.study, framework="tdf")
        if made:
            messages.success(
                request,
                ngettext(
                    "%(count)d framework code added.", "%(count)d framework codes added.", len(made)
                )
                % {"count": len(made)},
            )
        else:
            messages.success(request, _("The framework codes were already in the codebook."))
        return HttpResponseRedirect(reverse("insight:codebook", args=[self.study.slug]))


class CodebookVersions(CodingPage, ActionFormView):
    permission_required = "insight.manage_study"
    template_name = "insight/coding/versions.html"
    form_class = VersionForm
    section = "codebook"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            versions=self.study.codebook_versions.select_related("created_by"), **kwargs
        )

    def perform(self, form):
        version = actions.save_codebook_version(
            by=self.request.user, study=self.study, note=form.cleaned_data["note"]
        )
        messages.success(
            self.request, _("Codebook version %(number)d saved.") % {"number": version.number}
        )
        return version

    def get_success_url(self, result=None):
        return reverse("insight:codebook_versions", args=[self.study.slug])


# -- Themes -----------------------------------------------------------------------------------


class Themes(CodingPage, TemplateView):
    template_name = "insight/coding/themes.html"
    section = "themes"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            themes=selectors.themes(self.study), comb_names=_comb_names(), **kwargs
        )


class ThemeFormPage(FormPage):
    permission_required = "insight.manage_study"
    form_class = ThemeForm
    section = "themes"
    theme = None

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {
            "tree": selectors.code_tree(self.study),
            "themes": list(self.study.themes.all()),
            "exclude": self.theme,
        }

    def get_success_url(self, result=None):
        return reverse("insight:themes", args=[self.study.slug]) + f"#theme-{result.pk}"


class ThemeCreate(ThemeFormPage):
    @property
    def heading(self):
        return _("Add a theme")

    @property
    def submit_text(self):
        return _("Add theme")

    def perform(self, form):
        theme = actions.create_theme(by=self.request.user, study=self.study, **form.cleaned_data)
        messages.success(self.request, _("Theme added: %(name)s.") % {"name": theme.name})
        return theme


class ThemeUpdate(ThemeFormPage):
    @cached_property
    def theme(self):
        return get_object_or_404(Theme.objects.filter(study=self.study), pk=self.kwargs["pk"])

    @property
    def heading(self):
        return _("Change theme: %(name)s") % {"name": self.theme.name}

    @property
    def submit_text(self):
        return _("Save theme")

    def get_initial(self):
        t = self.theme
        return {
            "name": t.name,
            "parent": t.parent_id,
            "description": t.description,
            "comb": t.comb,
            "classification": t.classification,
            "codes": [str(pk) for pk in t.codes.values_list("pk", flat=True)],
        }

    def perform(self, form):
        theme = actions.update_theme(by=self.request.user, theme=self.theme, **form.cleaned_data)
        messages.success(self.request, _("Theme saved: %(name)s.") % {"name": theme.name})
        return theme


# -- Memos ------------------------------------------------------------------------------------

TARGET_MODELS = {
    MemoTarget.SOURCE: Source,
    MemoTarget.CODE: Code,
    MemoTarget.PARTICIPANT: Participant,
    MemoTarget.CODING: Coding,
}


def _memo_target_url(study, memo_or_target, kind):
    if kind == MemoTarget.SOURCE:
        return reverse("insight:source", args=[study.slug, memo_or_target.pk])
    if kind == MemoTarget.CODE:
        return reverse("insight:code", args=[study.slug, memo_or_target.pk])
    if kind == MemoTarget.CODING:
        return reverse("insight:source", args=[study.slug, memo_or_target.source_id]) + (
            f"#coding-{memo_or_target.pk}"
        )
    return _maybe_url("insight:participant", study.slug, memo_or_target.pk)


class Memos(CodingPage, TemplateView):
    template_name = "insight/coding/memos.html"
    section = "memos"

    def get_context_data(self, **kwargs):
        memos = list(selectors.memos(self.study))
        for memo in memos:
            target = getattr(memo, memo.target, None) if memo.target != "study" else None
            memo.target_object = target
            memo.target_url = _memo_target_url(self.study, target, memo.target) if target else None
        return super().get_context_data(
            memos=memos, my_person_id=_person_id(self.request), **kwargs
        )


class MemoCreate(FormPage):
    """A memo about the study, or (with ?source= / ?code= / ?participant= / ?coding=) about
    one thing in it."""

    permission_required = "insight.code_study"
    form_class = MemoForm
    section = "memos"

    @cached_property
    def target(self):
        data = self.request.POST if self.request.method == "POST" else self.request.GET
        for kind, model in TARGET_MODELS.items():
            value = data.get(kind, "")
            if value:
                if not value.isdigit():
                    break
                scope = {"source__study": self.study} if model is Coding else {"study": self.study}
                return kind, get_object_or_404(model.objects.filter(**scope), pk=int(value))
        return MemoTarget.STUDY, None

    @property
    def heading(self):
        kind, obj = self.target
        if obj is None:
            return _("Write a memo about the study")
        if kind == MemoTarget.CODING:
            return _("Write a memo about a coding of %(code)s") % {"code": obj.code.name}
        return _("Write a memo about %(name)s") % {"name": str(obj)}

    @property
    def submit_text(self):
        return _("Save memo")

    def get_context_data(self, **kwargs):
        kind, obj = self.target
        return super().get_context_data(hidden={kind: obj.pk} if obj is not None else {}, **kwargs)

    def perform(self, form):
        kind, obj = self.target
        targets = {kind: obj} if obj is not None else {}
        memo = actions.write_memo(
            by=self.request.user, study=self.study, text=form.cleaned_data["text"], **targets
        )
        messages.success(self.request, _("Memo saved."))
        return memo

    def get_success_url(self, result=None):
        kind, obj = self.target
        if obj is not None:
            url = _memo_target_url(self.study, obj, kind)
            if url:
                return url
        return reverse("insight:memos", args=[self.study.slug])


class MemoUpdate(FormPage):
    """Memos are their author's; a lead researcher may also correct one."""

    permission_required = "insight.code_study"
    form_class = MemoForm
    section = "memos"

    @cached_property
    def memo(self):
        return get_object_or_404(
            Memo.objects.filter(study=self.study).select_related("author"), pk=self.kwargs["pk"]
        )

    def has_permission(self):
        if not super().has_permission():
            return False
        user = self.request.user
        own = self.memo.author is not None and self.memo.author.person_id == _person_id(
            self.request
        )
        return own or user.has_perm("insight.manage_study", self.study)

    @property
    def heading(self):
        return _("Change memo")

    @property
    def submit_text(self):
        return _("Save memo")

    def get_initial(self):
        return {"text": self.memo.text}

    def perform(self, form):
        memo = actions.update_memo(
            by=self.request.user, memo=self.memo, text=form.cleaned_data["text"]
        )
        messages.success(self.request, _("Memo saved."))
        return memo

    def get_success_url(self, result=None):
        return reverse("insight:memos", args=[self.study.slug]) + f"#memo-{self.memo.pk}"


urls = [
    path("insight/<slug:slug>/codebook/", Codebook.as_view(), name="codebook"),
    path("insight/<slug:slug>/codebook/seed/", CodebookSeed.as_view(), name="codebook_seed"),
    path(
        "insight/<slug:slug>/codebook/versions/",
        CodebookVersions.as_view(),
        name="codebook_versions",
    ),
    path("insight/<slug:slug>/codes/new/", CodeCreate.as_view(), name="code_create"),
    path("insight/<slug:slug>/codes/<int:pk>/", CodeDetail.as_view(), name="code"),
    path("insight/<slug:slug>/codes/<int:pk>/edit/", CodeUpdate.as_view(), name="code_update"),
    path("insight/<slug:slug>/themes/", Themes.as_view(), name="themes"),
    path("insight/<slug:slug>/themes/new/", ThemeCreate.as_view(), name="theme_create"),
    path("insight/<slug:slug>/themes/<int:pk>/edit/", ThemeUpdate.as_view(), name="theme_update"),
    path("insight/<slug:slug>/memos/", Memos.as_view(), name="memos"),
    path("insight/<slug:slug>/memos/new/", MemoCreate.as_view(), name="memo_create"),
    path("insight/<slug:slug>/memos/<int:pk>/edit/", MemoUpdate.as_view(), name="memo_update"),
]
