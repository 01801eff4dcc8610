"""Forms of the sources area: importing transcripts, naming speakers, pseudonymising."""

from pathlib import PurePath

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from coproduce.core import limits

from .. import transcripts
from ..models import PseudonymKind, SourceKind


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        # Each file is checked by insight.transcripts, which names the file in its messages.
        files = [d for d in (data if isinstance(data, list | tuple) else [data]) if d]
        if not files:
            return super().clean(None, initial)
        return files


class SourceImportForm(forms.Form):
    files = MultipleFileField(
        label=_("Transcripts"),
        widget=MultipleFileInput(attrs={"accept": ",".join(transcripts.EXTENSIONS)}),
    )
    kind = forms.ChoiceField(
        label=_("Type of source"),
        choices=SourceKind.choices,
        initial=SourceKind.INTERVIEW,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # From the limits in force, so the page never promises more (or less) than is accepted.
        self.fields["files"].help_text = _(
            "Up to %(count)s files at once: .txt, .docx, .odt, .vtt or .srt, each smaller than "
            "5 MB."
        ) % {"count": limits.get("files")}

    def clean_files(self):
        """Read every file, so the report lists every unreadable one, not just the first."""
        files = self.cleaned_data["files"]
        limits.check_files(files)  # before any is read
        parsed, errors = [], []
        for upload in files:
            try:
                if upload.size > transcripts.MAX_BYTES:
                    raise ValidationError(
                        _("%(name)s is larger than 5 MB.") % {"name": upload.name}
                    )
                text, turns = transcripts.read(upload.name, upload.read())
            except ValidationError as exc:
                errors.extend(exc.messages)
                continue
            parsed.append((PurePath(upload.name).stem, upload.name, text, turns))
        if errors:
            raise ValidationError(errors)
        self.cleaned_data["parsed"] = parsed
        return files


class SpeakersForm(forms.Form):
    """One choice per speaker label: which participant it is, or nobody."""

    def __init__(self, *args, speakers, participants, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("Not a participant"))] + [(str(p.pk), p.identifier) for p in participants]
        self.speakers = []
        for i, row in enumerate(speakers):
            name = f"speaker_{i}"
            self.speakers.append((name, row["speaker"]))
            self.fields[name] = forms.ChoiceField(
                label=row["speaker"],
                choices=choices,
                required=False,
                initial=str(row["participant"] or ""),
                help_text=_("%(count)s turns") % {"count": row["turns"]},
            )

    def choices_made(self) -> list[tuple[str, str]]:
        return [(label, self.cleaned_data.get(name) or "") for name, label in self.speakers]


class PseudonymiseForm(forms.Form):
    """The candidates found, each with a tick box, a replacement and a kind, and one row for a
    name the heuristics missed."""

    extra_original = forms.CharField(
        label=_("Another name to replace"), max_length=200, required=False
    )
    extra_replacement = forms.CharField(label=_("Replace it with"), max_length=200, required=False)
    extra_kind = forms.ChoiceField(
        label=_("It is a"), choices=PseudonymKind.choices, initial=PseudonymKind.PERSON
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for i, candidate in enumerate(candidates):
            pick, replacement, kind = f"pick_{i}", f"replacement_{i}", f"kind_{i}"
            # What the row was when shown: if the transcripts changed since, say so.
            self.fields[f"original_{i}"] = forms.CharField(
                widget=forms.HiddenInput, initial=candidate.text, required=False
            )
            self.fields[pick] = forms.BooleanField(label=candidate.text, required=False)
            self.fields[replacement] = forms.CharField(
                label=_("Replace %(name)s with") % {"name": candidate.text},
                max_length=200,
                required=False,
                initial=candidate.suggestion,
            )
            self.fields[kind] = forms.ChoiceField(
                label=_("%(name)s is a") % {"name": candidate.text},
                choices=PseudonymKind.choices,
                initial=candidate.kind if candidate.kind in PseudonymKind.values else "other",
                required=False,
            )
            self.rows.append((candidate, self[pick], self[replacement], self[kind]))

    def clean(self):
        data = super().clean()
        chosen = {}
        for i, (candidate, pick, replacement, kind) in enumerate(self.rows):
            if data.get(pick.name) and data.get(f"original_{i}") != candidate.text:
                raise ValidationError(
                    _("The transcripts changed while you were choosing; check the list again.")
                )
            if data.get(pick.name):
                if not (data.get(replacement.name) or "").strip():
                    self.add_error(replacement.name, _("Give a replacement."))
                chosen[candidate.text] = (
                    data.get(replacement.name) or "",
                    data.get(kind.name) or kind.field.initial,
                )
        extra = (data.get("extra_original") or "").strip()
        if extra:
            if not (data.get("extra_replacement") or "").strip():
                self.add_error("extra_replacement", _("Give a replacement."))
            chosen[extra] = (data.get("extra_replacement") or "", data.get("extra_kind"))
        if not chosen and not self.errors:
            raise ValidationError(_("Choose at least one name to replace."))
        data["replacements"] = chosen
        return data
