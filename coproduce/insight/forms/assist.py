"""Forms of the code suggestions and suggestion accuracy pages."""

import importlib.util
import os

from django import forms
from django.utils.translation import gettext_lazy as _

from ..assist import backends

UNIT_CHOICES = [
    ("sentence", _("Sentence")),
    ("turn", _("Speaker turn")),
    ("paragraph", _("Paragraph")),
]
BACKEND_LABELS = {
    "tfidf": _("Word and letter patterns (recommended)"),
    "baseline-svm": _("Simple word patterns (for comparison)"),
    "embeddings": _("Sentence meaning (embeddings)"),
}


def available_backends() -> list[tuple[str, str]]:
    """The registered backends that can run here. Checked without loading anything: the
    embeddings backend needs its optional packages, and loading its model would take seconds."""
    choices = []
    for name in sorted(backends.REGISTRY, key=lambda n: (n != backends.DEFAULT, n)):
        if name == "embeddings":
            if importlib.util.find_spec("sentence_transformers") is None:
                continue
            if not os.environ.get(backends.EMBEDDING_MODEL_ENV) and (
                importlib.util.find_spec(backends.EMBEDDING_PACKAGE) is None
            ):
                continue
        choices.append((name, BACKEND_LABELS.get(name, name)))
    return choices


class SuggestForm(forms.Form):
    unit = forms.ChoiceField(
        label=_("Suggest codes for each"),
        choices=UNIT_CHOICES,
        initial="sentence",
        widget=forms.RadioSelect,
        help_text=_(
            "A speaker turn is everything one person says before someone else speaks. Longer "
            "units give the suggestions more words to go on."
        ),
    )
    backend = forms.ChoiceField(label=_("How to suggest"), widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["backend"].choices = available_backends()
        self.fields["backend"].initial = backends.DEFAULT


class EvaluateForm(SuggestForm):
    folds = forms.IntegerField(
        label=_("Number of folds"),
        min_value=2,
        max_value=10,
        initial=5,
        help_text=_(
            "The coded sources are split into this many groups. Each group in turn is hidden, "
            "suggestions are learnt from the rest, and then checked against the hidden group."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].label = _("Measure suggestions for each")


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("accept", _("Accept")), ("reject", _("Reject"))]
    )


class BulkForm(forms.Form):
    """Used twice on the page, with prefix "accept" (at least N%) or "reject" (below N%)."""

    percent = forms.IntegerField(
        label=_("Confidence (%)"),
        min_value=0,
        max_value=100,
        help_text=_("A whole number from 0 to 100."),
    )
    code = forms.TypedChoiceField(label=_("Code"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [("", _("Any code"))] + [(c.pk, c.name) for c in codes]
