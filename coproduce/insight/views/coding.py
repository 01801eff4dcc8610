"""The transcript coding page of an insight study: reading a source and adding, removing and
marking codings (the codebook, themes and memos are in codebook.py).

Who may do what (rules.py): anyone on the study team reads; coders (and lead researchers)
code, write memos and add inductive codes while coding; lead researchers change codes, seed
frameworks, save codebook versions and shape themes, because those decisions change the
analysis for every coder (framework analysis: the working analytical framework is agreed by the
team, not by each coder alone).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
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
from coproduce.core.mixins import add_validation_error
from coproduce.people.roles import roles_for

from .. import actions
from ..forms.coding import CodingForm, PolarityForm
from ..models import Coding, Polarity
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
]
