"""Forms of a study's output pages: the choices behind Table 1, the matrix, quotes,
interventions and agreement (GET forms), and the two things written there (a matrix cell and an
intervention's APEASE judgement)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .. import analysis, frameworks
from ..models import Polarity


class Table1Form(forms.Form):
    by = forms.MultipleChoiceField(
        label=_("Characteristics to show"), widget=forms.CheckboxSelectMultiple
    )
    split = forms.ChoiceField(label=_("Split into columns by"), required=False)
    rounding = forms.ChoiceField(
        label=_("Percentages"),
        widget=forms.RadioSelect,
        initial=analysis.LARGEST_REMAINDER,
    )

    def __init__(self, data=None, *args, attributes, **kwargs):
        # A link that leaves out the rounding (or an older bookmark) gets the paper's method.
        if data is not None and not data.get("rounding"):
            data = data.copy()
            data["rounding"] = analysis.LARGEST_REMAINDER
        super().__init__(data, *args, **kwargs)
        choices = [(a.name, a.label) for a in attributes]
        self.fields["by"].choices = choices
        self.fields["split"].choices = [("", _("No split"))] + choices
        self.fields["rounding"].choices = analysis.rounding_choices()


class MatrixFilterForm(forms.Form):
    """One optional drop-down per attribute, offering the values participants have."""

    def __init__(self, *args, attributes, participants, **kwargs):
        super().__init__(*args, **kwargs)
        for attribute in attributes:
            values = sorted({p.attributes.get(attribute.name, "") for p in participants} - {""})
            if not values:
                continue
            self.fields[attribute.name] = forms.ChoiceField(
                label=attribute.label,
                required=False,
                choices=[("", _("Any"))] + [(v, v) for v in values],
            )

    def filters(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if v} if self.is_valid() else {}


class QuoteFilterForm(forms.Form):
    code = forms.TypedChoiceField(label=_("Code"), required=False, coerce=int, empty_value=None)
    theme = forms.TypedChoiceField(label=_("Theme"), required=False, coerce=int, empty_value=None)
    polarity = forms.ChoiceField(label=_("Barrier or facilitator"), required=False)
    participant = forms.TypedChoiceField(
        label=_("Participant"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, codes, themes, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [("", _("Any code"))] + [(c.pk, c.name) for c in codes]
        self.fields["theme"].choices = [("", _("Any theme"))] + [(t.pk, t.name) for t in themes]
        self.fields["polarity"].choices = [("", _("Either"))] + list(Polarity.choices)
        self.fields["participant"].choices = [("", _("Anyone"))] + [
            (p.pk, p.identifier) for p in participants
        ]


class VariantForm(forms.Form):
    variant = forms.ChoiceField(
        label=_("Behaviour Change Wheel version"),
        choices=[("2014", _("2014 book")), ("2011", _("2011 article"))],
    )


class MatrixCellForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "What this participant said about the theme, in a few lines. Leave it "
            "empty to clear the cell."
        ),
    )


# What each APEASE criterion asks (Michie, Atkins and West 2014), as hints on the form.
APEASE_HINTS = {
    "acceptability": _("Would the people affected, and the staff, find it acceptable?"),
    "practicability": _("Can it be delivered as planned, with the people and resources there are?"),
    "effectiveness": _("How well is it likely to work, for the money spent?"),
    "affordability": _("Can it be paid for, within the budget there is?"),
    "side_effects": _("Could it cause harm or other changes nobody intended?"),
    "equity": _("Would it narrow or widen differences between groups of people?"),
}


class CandidateForm(forms.Form):
    note = forms.CharField(
        label=_("What the intervention could be"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    selected = forms.BooleanField(label=_("Take this forward"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One note per APEASE criterion, after the description of the intervention.
        for item in frameworks.bcw()["apease"]:
            self.fields[f"apease_{item['key']}"] = forms.CharField(
                label=frameworks.localised(item),
                help_text=APEASE_HINTS.get(item["key"], ""),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.order_fields(["note", *[f"apease_{a['key']}" for a in frameworks.bcw()["apease"]]])

    def apease(self) -> dict:
        return {
            name.removeprefix("apease_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("apease_")
        }


class AgreementForm(forms.Form):
    unit = forms.ChoiceField(label=_("Compare by"), initial="turn")
    coders = forms.TypedMultipleChoiceField(
        label=_("Coders"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all empty to compare every coder."),
    )
    suggestions = forms.BooleanField(
        label=_("Include the suggestion engine as a coder"), required=False
    )

    def __init__(self, *args, coders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = analysis.unit_choices()
        self.fields["coders"].choices = [(c.pk, c.name) for c in coders]
