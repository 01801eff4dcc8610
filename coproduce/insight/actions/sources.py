"""Importing a batch of transcripts at once, all or nothing."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from coproduce.core import audit, limits

from ..models import SourceKind
from .studies import add_source

__all__ = ["import_sources"]


@transaction.atomic
def import_sources(*, by, study, files, kind=SourceKind.INTERVIEW) -> list[dict]:
    """`files` are (name, original filename, text, turns) already read by insight.transcripts.
    If any one cannot be added (a name already used, turns out of order) none is, and the
    errors name the files. Returns what each file gave: turns, and speakers linked or not."""
    if not files:
        raise ValidationError(_("Choose at least one file."))
    limits.check_files(files)
    if kind not in SourceKind.values:
        raise ValidationError({"kind": _("Choose the type of source.")})
    names = [name for name, *_rest in files]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValidationError(
            _("Two files would make sources with the same name: %(names)s.")
            % {"names": ", ".join(duplicates)}
        )
    report, errors = [], []
    for name, filename, text, turns in files:
        try:
            with transaction.atomic():
                source = add_source(
                    by=by,
                    study=study,
                    name=name,
                    text=text,
                    turns=turns,
                    kind=kind,
                    original_filename=filename,
                    audit_event=False,
                )
        except ValidationError as exc:
            errors.extend(f"{filename}: {message}" for message in exc.messages)
            continue
        linked, unlinked = {}, set()
        for turn in source.turns.select_related("participant"):
            if turn.participant is not None:
                linked[turn.speaker] = turn.participant.identifier
            elif turn.speaker:
                unlinked.add(turn.speaker)
        report.append(
            {
                "source": source,
                "name": source.name,
                "turns": len(turns),
                "linked": sorted(linked.items()),
                "unlinked": sorted(unlinked),
            }
        )
    if errors:
        raise ValidationError(errors)
    audit.record(
        by=by,
        action="source.import",
        obj=study,
        changes={
            "sources": [None, [r["source"].pk for r in report]],
            "turns": [None, sum(r["turns"] for r in report)],
        },
    )
    return report
