from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce.core.forms import DateField

from .models import Agreement, ReadinessRating

DONT_KNOW = "dont_know"


class ReadinessOpenForm(forms.Form):
    closes_on = DateField(
        label=_("Closing date"),
        required=False,
        help_text=_("Members can answer and change their answers until the end of this day."),
    )


class PulseOpenForm(forms.Form):
    closes_on = DateField(
        label=_("Closing date"),
        help_text=_("Members can respond and change their response until the end of this day."),
    )


def _choice(value) -> object:
    return None if value == DONT_KNOW else int(value)


class ReadinessAnswerForm(forms.Form):
    """Per criterion: a radio group (legend: the criterion, hint: its description) and an
    optional comment."""

    def __init__(self, *args, criteria, answers, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        choices = [(str(value), label) for value, label in ReadinessRating.choices]
        choices.append((DONT_KNOW, _("Don’t know")))
        for item in self.criteria:
            answer = answers.get(item.key)
            initial = None
            if answer is not None:
                initial = DONT_KNOW if answer.rating is None else str(answer.rating)
            self.fields[f"rating_{item.key}"] = forms.ChoiceField(
                label=item.label,
                help_text=item.description,
                choices=choices,
                widget=forms.RadioSelect,
                initial=initial,
                error_messages={
                    "required": _("Choose an answer for %(criterion)s.") % {"criterion": item.label}
                },
            )
            self.fields[f"comment_{item.key}"] = forms.CharField(
                label=_("Comment on %(criterion)s") % {"criterion": item.label},
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=answer.comment if answer is not None else "",
            )

    def pairs(self):
        """(rating field, comment field) per criterion, for the template."""
        return [(self[f"rating_{i.key}"], self[f"comment_{i.key}"]) for i in self.criteria]

    def ratings(self) -> dict:
        return {i.key: _choice(self.cleaned_data[f"rating_{i.key}"]) for i in self.criteria}

    def comments(self) -> dict:
        return {i.key: self.cleaned_data[f"comment_{i.key}"] for i in self.criteria}


class PulseResponseForm(forms.Form):
    def __init__(self, *args, rungs, principles, response, **kwargs):
        super().__init__(*args, **kwargs)
        self.principles = list(principles)
        given = {}
        if response is not None:
            given = {a.principle.key: a.agreement for a in response.agreements.all()}
        self.fields["rung"] = forms.ChoiceField(
            label=_("Where does the project sit on the ladder of co-production now?"),
            help_text=_("Choose the rung that is closest to how the project works today."),
            choices=[(item.key, f"{item.label}: {item.description}") for item in rungs],
            widget=forms.RadioSelect,
            initial=response.rung.key if response is not None else None,
            error_messages={"required": _("Choose a rung of the ladder.")},
        )
        choices = [(str(value), label) for value, label in Agreement.choices]
        choices.append((DONT_KNOW, _("Don’t know")))
        for item in self.principles:
            initial = None
            if item.key in given:
                initial = DONT_KNOW if given[item.key] is None else str(given[item.key])
            self.fields[f"agreement_{item.key}"] = forms.ChoiceField(
                label=item.label,
                help_text=item.description,
                choices=choices,
                widget=forms.RadioSelect,
                initial=initial,
                error_messages={
                    "required": _("Choose an answer for %(principle)s.") % {"principle": item.label}
                },
            )
        self.fields["more_equal"] = forms.CharField(
            label=_("What would make this more equal?"),
            help_text=_("Shown to the project without your name."),
            required=False,
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 4}),
            initial=response.more_equal if response is not None else "",
        )

    def agreement_fields(self):
        return [self[f"agreement_{item.key}"] for item in self.principles]

    def agreements(self) -> dict:
        return {i.key: _choice(self.cleaned_data[f"agreement_{i.key}"]) for i in self.principles}
