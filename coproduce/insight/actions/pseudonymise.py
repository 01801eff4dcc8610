"""Replacing names and places across a study's sources, keeping every offset true."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from coproduce.core import audit

from .. import pseudonymise, search
from ..models import Coding, Participant, PseudonymEntry, PseudonymKind, Source, Turn

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


@transaction.atomic
def apply_pseudonyms(*, by, study, replacements: dict[str, tuple[str, str]]) -> dict:
    """Replace each original (whole word, case-sensitive) with its replacement in every source's
    text, name and speaker labels, and in participants' speaker labels; move every turn and coding
    so it still points at the same words; keep the key. The audit trail records counts only,
    never the names replaced."""
    clean = _clean(replacements)
    mapping = {original: replacement for original, (replacement, _kind) in clean.items()}
    pattern = pseudonymise.word_pattern(mapping)
    totals: dict[str, int] = {}
    changed_sources = moved_turns = moved_codings = 0
    sources = list(Source.objects.select_for_update().filter(study=study).order_by("pk"))
    for source in sources:
        result = pseudonymise.replace(source.text, pattern, mapping)
        new_name = pattern.sub(lambda m: mapping[m.group()], source.name)[:200]
        new_file = pattern.sub(lambda m: mapping[m.group()], source.original_filename)[:255]
        turns = list(source.turns.all())
        turn_changes = []
        for turn in turns:
            speaker = pattern.sub(lambda m: mapping[m.group()], turn.speaker)[:100]
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
    participants = []
    for participant in Participant.objects.filter(study=study):
        labels = [pattern.sub(lambda m: mapping[m.group()], s) for s in participant.speaker_labels]
        if labels != participant.speaker_labels:
            participant.speaker_labels = labels
            participants.append(participant)
    Participant.objects.bulk_update(participants, ["speaker_labels"])
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
    }
    audit.record(by=by, action="study.pseudonymise", obj=study, changes=report)
    return report
