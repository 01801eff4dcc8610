"""Search: full-text search across a study's sources with filters, and "find similar passages"."""

from django import forms
from django.core.paginator import Paginator
from django.http import Http404
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from .. import search
from ..models import Code, Coder, Source
from ..views.studies import NavMixin, safe_url

PAGE_SIZE = 25
SIMILAR_SIZE = 10
ATTRIBUTE_PREFIX = "attr_"


class SearchForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Words to find"),
        required=False,
        max_length=search.MAX_QUERY,
        help_text=gettext_lazy(
            'Put a phrase in quotes ("care home"), end a word with * to find words that start '
            "with it (nurs*), and write OR between words to find either."
        ),
    )
    code = forms.TypedChoiceField(label=gettext_lazy("Code"), required=False, coerce=int)
    coder = forms.TypedChoiceField(label=gettext_lazy("Coder"), required=False, coerce=int)

    def __init__(self, *args, attributes=(), codes=(), coders=(), **kwargs):
        super().__init__(*args, **kwargs)
        anything = [("", _("Any"))]
        self.fields["code"].choices = anything + [(c.pk, c.name) for c in codes]
        self.fields["coder"].choices = anything + [(c.pk, c.name) for c in coders]
        self.attribute_names = []
        for attribute in attributes:
            name = ATTRIBUTE_PREFIX + attribute["name"]
            self.fields[name] = forms.ChoiceField(
                label=_("Participant’s %(attribute)s") % {"attribute": attribute["label"].lower()},
                required=False,
                choices=anything + [(v, v) for v in attribute["values"]],
            )
            self.attribute_names.append((name, attribute["name"]))

    def participant_filters(self) -> dict:
        data = self.cleaned_data
        return {attr: data[name] for name, attr in self.attribute_names if data.get(name)}

    @property
    def filters_chosen(self) -> bool:
        return any(self[name].value() for name in ["code", "coder", *dict(self.attribute_names)])


def _passage_url(study, hit) -> str | None:
    """The passage on the transcript page (another area's page: None until it exists)."""
    url = safe_url("insight:source", study.slug, hit.source_id)
    return f"{url}#turn-{hit.block}" if url else None


def _similar_url(study, hit) -> str:
    url = reverse("insight:similar", args=[study.slug, hit.source_id])
    return url + "?" + urlencode({"start": hit.start, "end": hit.end})


class SearchPage(NavMixin, TemplateView):
    permission_required = "insight.view_study"
    template_name = "insight/search/search.html"

    @cached_property
    def form(self):
        study = self.study
        include_special = self.request.user.has_perm("insight.view_special", study)
        return SearchForm(
            self.request.GET or None,
            attributes=search.filter_choices(study, include_special=include_special),
            codes=Code.objects.filter(study=study).only("name"),
            coders=Coder.objects.filter(study=study).only("name"),
        )

    def results(self):
        form = self.form
        if not form.is_bound or not form.is_valid() or not form.cleaned_data["q"].strip():
            return None
        data = form.cleaned_data
        query = search.parse(data["q"])
        number = self.request.GET.get("page", "1")
        number = int(number) if number.isdigit() and int(number) > 0 else 1
        arguments = {
            "participant_filters": form.participant_filters(),
            "code_ids": [data["code"]] if data.get("code") else [],
            "coder_ids": [data["coder"]] if data.get("coder") else [],
            "limit": PAGE_SIZE,
        }
        hits, total = search.search(self.study, query, offset=(number - 1) * PAGE_SIZE, **arguments)
        shown = min(total, search.COUNT_LIMIT)
        page = Paginator(range(shown), PAGE_SIZE).get_page(number)
        if total and not hits and page.number != number:
            # Past the last page: show the last one.
            hits, total = search.search(
                self.study, query, offset=(page.number - 1) * PAGE_SIZE, **arguments
            )
        for hit in hits:
            hit.passage_url = _passage_url(self.study, hit)
            hit.similar_url = _similar_url(self.study, hit)
        kept = [(k, v) for k, v in self.request.GET.items() if k != "page" and v]
        return {
            "query": query,
            "hits": hits,
            "total": total,
            "more": total > search.COUNT_LIMIT,
            "count_limit": search.COUNT_LIMIT,
            "page": page,
            "first": (page.number - 1) * PAGE_SIZE + 1,
            "querystring": urlencode(kept),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(form=self.form, results=self.results(), **kwargs)


class SimilarPage(NavMixin, TemplateView):
    permission_required = "insight.view_study"
    template_name = "insight/search/similar.html"

    @cached_property
    def source(self):
        source = Source.objects.filter(study=self.study, pk=self.kwargs["pk"]).first()
        if source is None:
            raise Http404
        return source

    def span(self) -> tuple[int, int] | None:
        values = [self.request.GET.get(name, "") for name in ("start", "end")]
        if not all(v.isdigit() for v in values):
            return None
        start, end = int(values[0]), int(values[1])
        if not 0 <= start < end <= len(self.source.text):
            return None
        return start, end

    def get_context_data(self, **kwargs):
        span = self.span()
        context = {"source": self.source, "span": span, "hits": []}
        if span is not None:
            start, end = span
            hits = search.similar(self.study, self.source, start, end, limit=SIMILAR_SIZE)
            for hit in hits:
                hit.passage_url = _passage_url(self.study, hit)
                hit.similar_url = _similar_url(self.study, hit)
                hit.percent = round(100 * hit.score)
            context["hits"] = hits
            context["passage"] = search.snippet(
                self.source.text[start:end], lambda w: False, limit=1000
            )
            context["source_url"] = safe_url("insight:source", self.study.slug, self.source.pk)
        return super().get_context_data(**context, **kwargs)


urls = [
    path("insight/<slug:slug>/search/", SearchPage.as_view(), name="search"),
    path("insight/<slug:slug>/sources/<int:pk>/similar/", SimilarPage.as_view(), name="similar"),
]
