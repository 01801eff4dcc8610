"""Coding pages of an insight study: the transcript coding page, the codebook and its versions,
themes and memos.

Who may do what (rules.py): anyone on the study team reads; coders (and lead researchers)
code, write memos and add inductive codes while coding; lead researchers change codes, seed
frameworks, save codebook versions and shape themes, because those decisions change the
analysis for every coder (framework analysis: the working analytical framework is agreed by the
team, not by each coder alone).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, path, reverse
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import TemplateView
from markupsafe import Markup

from coproduce.core.forms import error_href, error_messages
from coproduce.core.mixins import ActionFormView, add_validation_error
from coproduce.people.roles import roles_for

from .. import actions, frameworks
from ..forms.coding import CodeForm, CodingForm, MemoForm, PolarityForm, ThemeForm, VersionForm
from ..models import Code, Coding, Memo, MemoTarget, Participant, Polarity, Source, Theme
from ..selectors import coding as selectors
from .base import StudyMixin
from .studies import study_nav


def _maybe_url(name, *args):
    """Pages other areas own (the study overview) may not exist yet in every build."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


class CodingPage(StudyMixin):
    """Breadcrumbs back to the study and the study's section navigation."""

    section = ""

    def crumbs(self):
        crumbs = []
        studies = _maybe_url("insight:studies") or _maybe_url("insight:list")
        if studies:
            crumbs.append((studies, _("Studies")))
        overview = _maybe_url("insight:detail", self.study.slug)
        if overview:
            crumbs.append((overview, self.study.title))
        return crumbs

    def get_context_data(self, **kwargs):
        return super().get_context_data(crumbs=self.crumbs(), section=self.section, **kwargs)


def _person_id(request):
    return roles_for(request.user).person_id


# -- The transcript coding page ---------------------------------------------------------------


class SourceMixin(CodingPage):
    section = "sources"
    study_related = ()

    @cached_property
    def source(self):
        source = selectors.source_in_study(self.study, self.kwargs["pk"])
        if source is None:
            raise Http404
        source.study = self.study  # already loaded: spares the actions a query
        return source

    @property
    def only_mine(self) -> bool:
        data = self.request.POST if self.request.method == "POST" else self.request.GET
        return data.get("coders") == "mine"

    def page_url(self, anchor=""):
        url = reverse("insight:source", args=[self.study.slug, self.source.pk])
        if self.only_mine:
            url += "?" + urlencode({"coders": "mine"})
        return url + (f"#{anchor}" if anchor else "")

    def base_context(self):
        user = self.request.user
        return {
            "study": self.study,
            "source": self.source,
            "only_mine": self.only_mine,
            "my_person_id": _person_id(self.request),
            "can_code": user.has_perm("insight.code_study", self.study),
            "can_manage": user.has_perm("insight.manage_study", self.study),
        }

    def transcript_context(self, span=None):
        context = self.base_context()
        mine = context["my_person_id"] if self.only_mine else None
        blocks = selectors.transcript(self.source, coder_person_id=mine, span=span)
        slug = self.study.slug
        return context | {
            "blocks": blocks,
            "polarities": [(value, str(label)) for value, label in Polarity.choices],
            "polarity_labels": {value: str(label) for value, label in Polarity.choices},
            # Worked out once for the page; the template puts each coding's id in place of __pk__.
            "polarity_url": reverse("insight:coding_polarity", args=[slug, 0]).replace(
                "/codings/0/", "/codings/__pk__/"
            ),
            "remove_url": reverse("insight:coding_remove", args=[slug, 0]).replace(
                "/codings/0/", "/codings/__pk__/"
            ),
            "memo_url": reverse("insight:memo_create", args=[slug]) + "?coding=",
            "coding_count": sum(len(b.codings) for b in blocks),
        }

    def coding_form(self, data=None, initial=None):
        if data is None:
            codes = [code for code, _depth in self.tree]
        else:
            codes = selectors.codes_among(self.study, data.getlist("codes"))
        return CodingForm(data, initial=initial, codes=codes, text_length=len(self.source.text))

    @cached_property
    def tree(self):
        return selectors.code_tree(self.study)

    def render_page(self, form, status=""):
        """The whole page (first visit, or a form with errors without htmx)."""
        context = self.transcript_context()
        # Rendered on its own, then placed in the page: its thousands of small pieces would
        # otherwise pass one by one through every enclosing template block.
        transcript_html = Markup(
            render_to_string("insight/coding/_transcript.html", context, self.request)
        )
        context |= {
            "transcript_html": transcript_html,
            "form": form,
            "tree": self.tree,
            "preview": self.preview(form),
            "panel_errors": self.panel_errors(form),
            "status": status,
            "crumbs": self.crumbs(),
            "section": self.section,
            "study_nav": study_nav(self.request, self.study),
        }
        return render(self.request, "insight/coding/source.html", context)

    def preview(self, form):
        value = form["start"].value(), form["end"].value()
        try:
            start, end = int(value[0]), int(value[1])
        except (TypeError, ValueError):
            return ""
        if 0 <= start < end <= len(self.source.text):
            return selectors.excerpt(self.source.text, start, end, limit=300)
        return ""

    def panel_errors(self, form):
        """The coding panel's error summary: "select some text" links to the transcript's first
        turn (the script takes it to the turn last used); a field's error to the field."""
        items = [{"text": e, "href": "#turn-0"} for e in form.non_field_errors()]
        for bound in form:
            items += [{"text": e, "href": error_href(bound)} for e in error_messages(bound)]
        return items

    def render_changes(
        self,
        status,
        *,
        status_error=False,
        span=None,
        focus="",
        new_code=False,
        panel_errors=(),
    ):
        """What htmx swaps in after a change: the status message (the request's target), and
        out of band the blocks the change touched, the coding count and, after a new code, the
        code list. Only the touched turns are re-rendered, so coding stays quick on long
        transcripts."""
        context = self.transcript_context(span=span) if span else self.base_context()
        if span and not focus:
            held = [b for b in context["blocks"] if b.start <= span[0] < b.end]
            focus = f"turn-{(held or context['blocks'])[0].index}"
        context |= {
            "status": status,
            "status_error": status_error,
            "focus": focus,
            "tree": selectors.code_tree(self.study) if new_code else None,
            "panel_errors": list(panel_errors),
            "oob": True,
        }
        if span:
            mine = context["my_person_id"] if self.only_mine else None
            context["coding_count"] = selectors.coding_count(self.source, coder_person_id=mine)
        return render(self.request, "insight/coding/_changes.html", context)

    def block_of(self, offset):
        """Which block (turn) holds an offset, to give it focus after a change."""
        for block in selectors.blocks(self.source):
            if block.start <= offset < block.end:
                return block.index
        return 0

    def done(self, message, span, focus="", new_code=False):
        """After a change: the changed turns for htmx, else back to the page at the turn."""
        if self.request.htmx:
            return self.render_changes(message, span=span, focus=focus, new_code=new_code)
        messages.success(self.request, message)
        return HttpResponseRedirect(self.page_url(focus or f"turn-{self.block_of(span[0])}"))


class SourcePage(SourceMixin, TemplateView):
    """The transcript as speaker turns with its codings; the coding panel for coders."""

    permission_required = "insight.view_study"

    def get(self, request, *args, **kwargs):
        initial = {"polarity": Polarity.NEUTRAL}
        # Without JavaScript, "Code this turn" links here with the turn's span.
        for name in ("start", "end"):
            if request.GET.get(name, "").isdigit():
                initial[name] = int(request.GET[name])
        form = self.coding_form(initial=initial)
        return self.render_page(form)


class CodingAdd(SourceMixin, View):
    permission_required = "insight.code_study"

    def post(self, request, *args, **kwargs):
        form = self.coding_form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            new_name = (data.get("new_code") or "").strip()
            try:
                made = actions.add_coding(
                    by=request.user,
                    source=self.source,
                    codes=data["code_objects"],
                    new_code=new_name,
                    start=data["start"],
                    end=data["end"],
                    polarity=data["polarity"],
                )
            except ValidationError as exc:
                add_validation_error(form, exc)
            else:
                message = ngettext(
                    "%(count)d coding added: %(codes)s.",
                    "%(count)d codings added: %(codes)s.",
                    len(made),
                ) % {"count": len(made), "codes": ", ".join(c.code.name for c in made)}
                if not made:
                    message = _("Those codes were already on this passage.")
                return self.done(message, (data["start"], data["end"]), new_code=bool(new_name))
        if request.htmx:
            # Shown in the panel's error summary, inside the form; the status stays quiet.
            return self.render_changes("", panel_errors=self.panel_errors(form))
        return self.render_page(form)


class CodingTarget(CodingPage, View):
    permission_required = "insight.code_study"

    @cached_property
    def coding(self):
        return get_object_or_404(
            Coding.objects.select_related("source", "code", "coder"),
            pk=self.kwargs["pk"],
            source__study=self.study,
        )


class CodingRemove(CodingTarget, SourceMixin):
    @cached_property
    def source(self):
        self.coding.source.study = self.study
        return self.coding.source

    def post(self, request, *args, **kwargs):
        name, span = self.coding.code.name, (self.coding.start, self.coding.end)
        actions.remove_coding(by=request.user, coding=self.coding)
        return self.done(_("Coding removed: %(code)s.") % {"code": name}, span)


class CodingPolarity(CodingTarget, SourceMixin):
    @cached_property
    def source(self):
        self.coding.source.study = self.study
        return self.coding.source

    def post(self, request, *args, **kwargs):
        form = PolarityForm(request.POST)
        if not form.is_valid():
            message = _("Choose barrier, facilitator or neutral.")
            if request.htmx:
                return self.render_changes(message, status_error=True)
            messages.error(request, message)
            return HttpResponseRedirect(self.page_url())
        actions.set_polarity(
            by=request.user, coding=self.coding, polarity=form.cleaned_data["polarity"]
        )
        label = Polarity(form.cleaned_data["polarity"]).label
        return self.done(
            _("%(code)s is now marked: %(polarity)s.")
            % {"code": self.coding.code.name, "polarity": label},
            (self.coding.start, self.coding.end),
            focus=f"coding-{self.coding.pk}",
        )


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
    path("insight/<slug:slug>/sources/<int:pk>/", SourcePage.as_view(), name="source"),
    path("insight/<slug:slug>/sources/<int:pk>/codings/", CodingAdd.as_view(), name="coding_add"),
    path(
        "insight/<slug:slug>/codings/<int:pk>/remove/", CodingRemove.as_view(), name="coding_remove"
    ),
    path(
        "insight/<slug:slug>/codings/<int:pk>/polarity/",
        CodingPolarity.as_view(),
        name="coding_polarity",
    ),
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
