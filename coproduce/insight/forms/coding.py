"""Forms of the coding pages: the coding panel, codes, codebook versions, memos and themes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .. import frameworks
from ..models import Classification, Polarity


class FirstBoxCheckboxes(forms.CheckboxSelectMultiple):
    """The error summary links to the first box, which the template gives the field's own id."""

    def id_for_label(self, id_, index=None):
        return id_


class CodingForm(forms.Form):
    """Apply codes to [start, end) of a source. `new_code` makes an inductive code on the way."""

    codes = forms.MultipleChoiceField(
        label=_("Codes"), choices=(), required=False, widget=FirstBoxCheckboxes
    )
    new_code = forms.CharField(
        label=_("New code"),
        max_length=200,
        required=False,
        help_text=_("Type a name to make an inductive code and apply it too."),
    )
    polarity = forms.ChoiceField(
        label=_("Barrier or facilitator"),
        choices=Polarity.choices,
        initial=Polarity.NEUTRAL,
        widget=forms.RadioSelect,
    )
    start = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)
    end = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, codes, text_length, **kwargs):
        """`codes`: the study's codes that may be chosen. The page lists the whole tree; a posted
        form needs only the codes it names (the coding screen posts once per coding)."""
        super().__init__(*args, **kwargs)
        codes = list(codes)
        self.codes_by_pk = {str(code.pk): code for code in codes}
        self.fields["codes"].choices = [(str(code.pk), code.name) for code in codes]
        self.text_length = text_length

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start is None or end is None or not (0 <= start < end <= self.text_length):
            raise forms.ValidationError(_("Select some text in the transcript first."))
        if not data.get("codes") and not (data.get("new_code") or "").strip():
            self.add_error("codes", _("Choose at least one code, or name a new one."))
        data["code_objects"] = [self.codes_by_pk[pk] for pk in data.get("codes") or ()]
        return data


class PolarityForm(forms.Form):
    polarity = forms.ChoiceField(label=_("Barrier or facilitator"), choices=Polarity.choices)


class CodeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    parent = forms.TypedChoiceField(
        label=_("Sits under"), choices=(), required=False, coerce=int, empty_value=None
    )
    definition = forms.CharField(
        label=_("Definition"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    inclusion = forms.CharField(
        label=_("Use when"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    exclusion = forms.CharField(
        label=_("Do not use when"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    comb = forms.ChoiceField(label=_("COM-B sub-component"), choices=(), required=False)
    tdf_domains = forms.MultipleChoiceField(
        label=_("TDF domains"),
        choices=(),
        required=False,
        widget=FirstBoxCheckboxes,
    )
    colour = forms.RegexField(
        label=_("Colour"),
        regex=r"^#[0-9a-fA-F]{6}$",
        initial="#005eb8",
        help_text=_("Shown as the underline of coded text, like #005eb8."),
        error_messages={"invalid": _("Give the colour as # and six hexadecimal digits.")},
    )

    def __init__(self, *args, tree, exclude=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.codes_by_pk = {code.pk: code for code, _depth in tree}
        self.fields["parent"].choices = [("", _("Nothing (a top-level code)"))] + [
            (code.pk, "\u2003" * depth + code.name)
            for code, depth in tree
            if exclude is None or code.pk != exclude.pk
        ]
        self.fields["comb"].choices = [("", _("None"))] + frameworks.comb_choices()
        self.fields["tdf_domains"].choices = frameworks.tdf_choices()

    def clean_parent(self):
        pk = self.cleaned_data.get("parent")
        return self.codes_by_pk.get(pk) if pk is not None else None


class VersionForm(forms.Form):
    note = forms.CharField(
        label=_("What changed"),
        max_length=300,
        required=False,
        help_text=_("For example: merged two codes about waiting times."),
    )


class MemoForm(forms.Form):
    text = forms.CharField(label=_("Memo"), widget=forms.Textarea(attrs={"rows": 8}))


class ThemeForm(forms.Form):
    # The form macro leaves out radios whose value is "" (Django's blank choice), and a chosen
    # radio cannot be unticked, so "Not yet decided" needs a value of its own to be offered at
    # all once a theme is classified; clean_classification turns it back into "".
    NOT_DECIDED = "undecided"

    name = forms.CharField(label=_("Name"), max_length=200)
    parent = forms.TypedChoiceField(
        label=_("Subtheme of"), choices=(), required=False, coerce=int, empty_value=None
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    comb = forms.ChoiceField(label=_("COM-B sub-component"), choices=(), required=False)
    classification = forms.ChoiceField(
        label=_("Barrier or facilitator"),
        choices=list(Classification.choices) + [(NOT_DECIDED, _("Not yet decided"))],
        required=False,
        initial=NOT_DECIDED,
        widget=forms.RadioSelect,
    )
    codes = forms.MultipleChoiceField(
        label=_("Codes in this theme"), choices=(), required=False, widget=FirstBoxCheckboxes
    )

    def __init__(self, *args, tree, themes, exclude=None, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.initial.get("classification"):
            # A theme with no classification shows "Not yet decided" ticked.
            self.initial = {**self.initial, "classification": self.NOT_DECIDED}
        self.codes_by_pk = {str(code.pk): code for code, _depth in tree}
        self.themes_by_pk = {t.pk: t for t in themes}
        self.fields["parent"].choices = [("", _("Nothing (a main theme)"))] + [
            (t.pk, t.name)
            for t in themes
            if t.parent_id is None and (exclude is None or t.pk != exclude.pk)
        ]
        self.fields["comb"].choices = [("", _("None"))] + frameworks.comb_choices()
        self.fields["codes"].choices = [
            (str(code.pk), "\u2003" * depth + code.name) for code, depth in tree
        ]

    def clean_parent(self):
        pk = self.cleaned_data.get("parent")
        return self.themes_by_pk.get(pk) if pk is not None else None

    def clean_classification(self):
        value = self.cleaned_data.get("classification") or ""
        return "" if value == self.NOT_DECIDED else value

    def clean_codes(self):
        return [self.codes_by_pk[pk] for pk in self.cleaned_data.get("codes") or ()]
