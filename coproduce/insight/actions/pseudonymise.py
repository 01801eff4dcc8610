"""Replacing names and places across a study's sources, keeping every offset true."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from coproduce.core import audit

from .. import pseudonymise, search
from ..models import (
    AttributeType,
    Code,
    Coding,
    InterventionCandidate,
    MatrixCell,
    Memo,
    Participant,
    PseudonymEntry,
    PseudonymKind,
    Source,
    Theme,
    Turn,
)

__all__ = ["apply_pseudonyms"]


def _clean(replacements: dict) -> dict[str, tuple[str, str]]:
    clean, errors = {}, []
    for original, (replacement, kind) in replacements.items():
        original, replacement = (original or "").strip(), (replacement or "").strip()
        if not original:
            continue
        if not replacement:
            errors.append(_("Give a replacement for every name you chose."))
        elif len(original) > 200 or len(replacement) > 200:
            errors.append(_("Names and replacements must be 200 characters or fewer."))
        elif replacement == original:
            errors.append(_("A replacement must differ from the name it replaces."))
        if kind not in PseudonymKind.values:
            errors.append(_("Choose whether each name is a person, place, organisation or other."))
        clean[original] = (replacement, kind)
    if errors:
        raise ValidationError(sorted(set(errors)))
    if not clean:
        raise ValidationError(_("Choose at least one name to replace."))
    return clean


def _rewrite(objects, fields, sub) -> list:
    """The objects whose free-text `fields` changed under `sub`, with the new text set on them."""
    changed = []
    for obj in objects:
        dirty = False
        for name in fields:
            old = getattr(obj, name)
            new = sub(old)
            if new != old:
                setattr(obj, name, new)
                dirty = True
        if dirty:
            changed.append(obj)
    return changed


@transaction.atomic
def apply_pseudonyms(*, by, study, replacements: dict[str, tuple[str, str]]) -> dict:
    """Replace each original (whole word, case-sensitive) with its replacement in every source's
    text, name and speaker labels, and in participants' speaker labels; move every turn and coding
    so it still points at the same words; keep the key. The study's other free text where a real
    name can appear gets the same replacement: memos, framework-matrix summaries, intervention
    notes (with their APEASE notes), theme descriptions, code definitions, and participants' text
    attributes. The audit trail records counts only, never the names replaced."""
    clean = _clean(replacements)
    mapping = {original: replacement for original, (replacement, _kind) in clean.items()}
    pattern = pseudonymise.word_pattern(mapping)

    def sub(text: str) -> str:
        return pattern.sub(lambda m: mapping[m.group()], text) if text else text

    totals: dict[str, int] = {}
    changed_sources = moved_turns = moved_codings = 0
    sources = list(Source.objects.select_for_update().filter(study=study).order_by("pk"))
    for source in sources:
        result = pseudonymise.replace(source.text, pattern, mapping)
        new_name = sub(source.name)[:200]
        new_file = sub(source.original_filename)[:255]
        turns = list(source.turns.all())
        turn_changes = []
        for turn in turns:
            speaker = sub(turn.speaker)[:100]
            start, end = result.start(turn.start), result.end(turn.end)
            if (start, end, speaker) != (turn.start, turn.end, turn.speaker):
                turn.start, turn.end, turn.speaker = start, end, speaker
                turn_changes.append(turn)
        codings = []
        if result.spans:
            for coding in Coding.objects.filter(source=source):
                start, end = result.start(coding.start), result.end(coding.end)
                if (start, end) != (coding.start, coding.end):
                    coding.start, coding.end = start, end
                    codings.append(coding)
        if not (result.spans or turn_changes or new_name != source.name):
            continue
        if new_name != source.name and (
            Source.objects.filter(study=study, name=new_name).exclude(pk=source.pk).exists()
        ):
            raise ValidationError(
                _("Two sources would have the same name after the replacement; rename one first.")
            )
        for original, count in result.counts.items():
            totals[original] = totals.get(original, 0) + count
        # Unindex while the indexed text is still there (FTS5 needs the old words to remove).
        search.remove_sources([source.pk])
        source.text, source.name, source.original_filename = result.text, new_name, new_file
        source.save(update_fields=["text", "name", "original_filename"])
        Turn.objects.bulk_update(turn_changes, ["start", "end", "speaker"], batch_size=500)
        Coding.objects.bulk_update(codings, ["start", "end"], batch_size=500)
        search.index_sources([source.pk])  # the pseudonymised text
        changed_sources += 1
        moved_turns += len(turn_changes)
        moved_codings += len(codings)
    participants, with_attributes = [], []
    # Only text attributes can hold a name; numbers, yes/no and dates are left alone. A value
    # changes only where a chosen name is in it as a whole word (a category such as "GP" only if
    # "GP" itself was chosen), and the same way for every participant, so Table 1 still groups
    # them as before while no longer naming the place or person.
    text_attributes = set(
        study.attributes.filter(type=AttributeType.TEXT).values_list("name", flat=True)
    )
    for participant in Participant.objects.select_for_update().filter(study=study):
        labels = [sub(s) for s in participant.speaker_labels]
        values = {
            name: sub(value) if name in text_attributes and isinstance(value, str) else value
            for name, value in participant.attributes.items()
        }
        if labels != participant.speaker_labels:
            participant.speaker_labels = labels
            participants.append(participant)
        if values != participant.attributes:
            participant.attributes = values
            with_attributes.append(participant)
    changed_participants = {p.pk: p for p in participants + with_attributes}
    Participant.objects.bulk_update(
        list(changed_participants.values()), ["speaker_labels", "attributes"], batch_size=500
    )
    # The study's own writing about its data, locked like the sources so an edit saved meanwhile
    # is neither lost nor brings a name back. `updated_at` is left as it is: it says when a
    # person last edited the text, and pseudonymisation is not an edit of its meaning.
    memos = _rewrite(
        Memo.objects.select_for_update().filter(study=study).only("pk", "text"), ["text"], sub
    )
    Memo.objects.bulk_update(memos, ["text"], batch_size=500)
    by_theme = {"theme__study": study}
    cells = _rewrite(
        MatrixCell.objects.select_for_update(of=("self",)).filter(**by_theme).only("summary"),
        ["summary"],
        sub,
    )
    MatrixCell.objects.bulk_update(cells, ["summary"], batch_size=500)
    interventions = []
    candidates = InterventionCandidate.objects.select_for_update(of=("self",)).filter(**by_theme)
    for candidate in candidates.only("note", "apease"):
        note = sub(candidate.note)
        apease = {key: sub(value) for key, value in candidate.apease.items()}
        if (note, apease) != (candidate.note, candidate.apease):
            candidate.note, candidate.apease = note, apease
            interventions.append(candidate)
    InterventionCandidate.objects.bulk_update(interventions, ["note", "apease"], batch_size=500)
    themes = _rewrite(
        Theme.objects.select_for_update().filter(study=study).only("description"),
        ["description"],
        sub,
    )
    Theme.objects.bulk_update(themes, ["description"], batch_size=500)
    code_fields = ["definition", "inclusion", "exclusion"]
    codes = _rewrite(
        Code.objects.select_for_update().filter(study=study).only(*code_fields), code_fields, sub
    )
    Code.objects.bulk_update(codes, code_fields, batch_size=500)
    existing = {e.original: e for e in PseudonymEntry.objects.filter(study=study)}
    for original, (replacement, kind) in clean.items():
        entry = existing.get(original)
        if entry is None:
            entry = PseudonymEntry(study=study, original=original)
        entry.replacement, entry.kind = replacement, kind
        entry.occurrences = (entry.occurrences or 0) + totals.get(original, 0)
        entry.save()
    report = {
        "names": len(clean),
        "replacements": sum(totals.values()),
        "sources": changed_sources,
        "turns": moved_turns,
        "codings": moved_codings,
        "participants": len(participants),
        "attributes": len(with_attributes),
        "memos": len(memos),
        "matrix_cells": len(cells),
        "interventions": len(interventions),
        "themes": len(themes),
        "codes": len(codes),
    }
    audit.record(by=by, action="study.pseudonymise", obj=study, changes=report)
    return report
