"""The codebook, codings, memos, themes, framework-matrix cells and intervention candidates."""

import re
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coproduce.core import audit
from coproduce.people.models import Person
from coproduce.people.roles import roles_for

from .. import frameworks
from ..models import (
    Classification,
    Code,
    CodebookVersion,
    Coding,
    InterventionCandidate,
    MatrixCell,
    Memo,
    Participant,
    Polarity,
    Source,
    Theme,
)
from ..selectors.codebook import CodeUses, code_uses
from ..selectors.coding import codes_already_on
from .studies import coder_for

__all__ = [
    "create_code",
    "update_code",
    "delete_code",
    "save_codebook_version",
    "add_coding",
    "remove_coding",
    "set_polarity",
    "write_memo",
    "update_memo",
    "delete_memo",
    "create_theme",
    "update_theme",
    "set_matrix_cell",
    "set_candidate",
]

CODE_FIELDS = (
    "name",
    "parent",
    "colour",
    "definition",
    "inclusion",
    "exclusion",
    "comb",
    "tdf_domains",
)
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
THEME_FIELDS = ("name", "parent", "description", "comb", "classification", "codes")


def _person_of(by) -> Person | None:
    person_id = roles_for(by).person_id if by is not None else None
    if not person_id:
        return None
    # roles_for has already loaded the user's register entry; coding is hot, so reuse it.
    person = getattr(by, "person", None)
    return (
        person
        if person is not None and person.pk == person_id
        else Person.objects.get(pk=person_id)
    )


def _check_code(code: Code) -> None:
    errors = {}
    if not code.name.strip():
        errors["name"] = _("Give the code a name.")
    if not COLOUR.match(code.colour or ""):
        errors["colour"] = _("Give the colour as # and six hexadecimal digits, like #005eb8.")
    if code.comb and code.comb not in frameworks.COMB_KEYS:
        errors["comb"] = _("Choose a COM-B sub-component.")
    known_tdf = {d["key"] for d in frameworks.tdf()["domains"]}
    if any(d not in known_tdf for d in code.tdf_domains or []):
        errors["tdf_domains"] = _("Choose TDF domains from the list.")
    if code.parent_id is not None:
        if code.parent.study_id != code.study_id:
            errors["parent"] = _("Choose a code from this study.")
        ancestor = code.parent
        while ancestor is not None:
            if ancestor.pk == code.pk:
                errors["parent"] = _("A code cannot sit under itself.")
                break
            ancestor = ancestor.parent
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_code(
    *,
    by,
    study,
    name,
    parent=None,
    colour="#005eb8",
    definition="",
    inclusion="",
    exclusion="",
    comb="",
    tdf_domains=(),
) -> Code:
    """An inductive code, made while coding or in the codebook."""
    if comb == "" and parent is not None:
        comb = parent.comb
    code = Code(
        study=study,
        parent=parent,
        name=name.strip()[:200],
        colour=colour,
        definition=definition.strip(),
        inclusion=inclusion.strip(),
        exclusion=exclusion.strip(),
        comb=comb,
        tdf_domains=list(tdf_domains),
        order=(study.codes.aggregate(m=Max("order"))["m"] or 0) + 1,
    )
    _check_code(code)
    code.save()
    audit.record(by=by, action="code.create", obj=code, changes=audit.created(code, CODE_FIELDS))
    return code


@transaction.atomic
def update_code(*, by, code, **fields) -> Code:
    before = audit.snapshot(code, CODE_FIELDS)
    for name, value in fields.items():
        if name not in CODE_FIELDS:
            raise TypeError(name)
        setattr(code, name, value.strip() if isinstance(value, str) else value)
    _check_code(code)
    code.save()
    audit.record(
        by=by,
        action="code.update",
        obj=code,
        changes=audit.diff(before, audit.snapshot(code, CODE_FIELDS)),
    )
    return code


def _in_use_message(uses: CodeUses) -> str:
    """Why a code cannot be deleted, with the counts (the delete page says the same)."""
    sentences = [_("This code cannot be deleted.")]
    if uses.codings:
        sentences.append(
            ngettext(
                "It is used in %(num)d coding.", "It is used in %(num)d codings.", uses.codings
            )
            % {"num": uses.codings}
        )
    if uses.children:
        sentences.append(
            ngettext(
                "%(num)d code sits under it.", "%(num)d codes sit under it.", len(uses.children)
            )
            % {"num": len(uses.children)}
        )
    sentences.append(_("Keep it, or merge it into another code first."))
    return " ".join(sentences)


@transaction.atomic
def delete_code(*, by, code) -> CodeUses:
    """Only a code nobody has coded with, and with no sub-codes, may go; otherwise merge or keep
    it. Deleting would otherwise take the codings (the evidence) with it.

    Themes that hold the code lose it: a theme's evidence is the codings of its codes, and this
    code has none, so nothing in the analysis changes; each theme's change is audited as a theme
    update so its history stays whole. Memos about the code are kept, as memos about the study:
    they are the team's thinking (often why a code was dropped) and the database would otherwise
    delete them with it. Returns what was unlinked, for the page's message."""
    # Locked, so a coding made meanwhile cannot be deleted with it unseen.
    code = Code.objects.select_for_update().filter(pk=code.pk).first()
    if code is None:
        raise ValidationError(_("This code has already been deleted."))
    uses = code_uses(code)
    if not uses.deletable:
        raise ValidationError(_in_use_message(uses))
    for theme in uses.themes:
        before = sorted(theme.codes.values_list("pk", flat=True))
        theme.codes.remove(code)
        audit.record(
            by=by,
            action="theme.update",
            obj=theme,
            changes={"codes": [before, [pk for pk in before if pk != code.pk]]},
        )
    for memo in uses.memos:
        target = memo.target
        memo.code = None
        memo.save(update_fields=["code"])
        audit.record(
            by=by,
            action="memo.update",
            obj=memo,
            changes={"target": [target, memo.target], "code": [code.pk, None]},
        )
    audit.record(
        by=by,
        action="code.delete",
        obj=code,
        changes=audit.snapshot(code, CODE_FIELDS)
        | {
            "themes": [t.pk for t in uses.themes],
            "memos": [m.pk for m in uses.memos],
        },
    )
    code.delete()
    return uses


@transaction.atomic
def save_codebook_version(*, by, study, note="") -> CodebookVersion:
    snapshot = [
        {
            "guid": str(c.guid),
            "name": c.name,
            "parent": str(c.parent.guid) if c.parent_id else None,
            "colour": c.colour,
            "definition": c.definition,
            "inclusion": c.inclusion,
            "exclusion": c.exclusion,
            "comb": c.comb,
            "tdf_domains": c.tdf_domains,
        }
        for c in study.codes.select_related("parent")
    ]
    number = (study.codebook_versions.aggregate(m=Max("number"))["m"] or 0) + 1
    version = CodebookVersion.objects.create(
        study=study,
        number=number,
        note=note.strip()[:300],
        snapshot=snapshot,
        created_by=_person_of(by),
    )
    audit.record(
        by=by,
        action="codebook.version",
        obj=version,
        changes={"number": [None, number], "codes": [None, len(snapshot)]},
    )
    return version


@transaction.atomic
def add_coding(
    *,
    by,
    source: Source,
    codes,
    start: int,
    end: int,
    polarity=Polarity.NEUTRAL,
    coder=None,
    new_code: str = "",
) -> list[Coding]:
    """Apply one or more codes to [start, end) of a source as the signed-in coder (or, for
    imports and suggestions, the `coder` given). Offsets are code points. `new_code` names an
    inductive code to make and apply too (coders make codes while coding), in the same
    transaction. A code already on exactly this passage by this coder is not applied twice."""
    if not (0 <= start < end <= len(source.text)):
        raise ValidationError(_("Select some text in the transcript first."))
    codes = list(codes)
    if not codes and not new_code.strip():
        raise ValidationError({"codes": _("Choose at least one code.")})
    if any(c.study_id != source.study_id for c in codes):
        raise ValidationError({"codes": _("Choose codes from this study's codebook.")})
    if polarity not in Polarity.values:
        raise ValidationError({"polarity": _("Choose barrier, facilitator or neutral.")})
    if coder is None:
        person = _person_of(by)
        if person is None:
            raise PermissionDenied
        coder = coder_for(study=source.study, person=person)
    if new_code.strip():
        codes.append(create_code(by=by, study=source.study, name=new_code.strip()))
    # One read for every code asked for, not one per code: this runs once per coding click.
    already = codes_already_on(source, coder, start, end, [c.pk for c in codes])
    selection = uuid.uuid4()
    made = [
        Coding(
            source=source,
            code=code,
            coder=coder,
            start=start,
            end=end,
            polarity=polarity,
            selection=selection,
        )
        for code in dict.fromkeys(codes)
        if code.pk not in already
    ]
    Coding.objects.bulk_create(made)
    for coding in made:
        audit.record(
            by=by,
            action="coding.add",
            obj=coding,
            changes={
                "source": source.pk,
                "code": coding.code_id,
                "coder": coder.pk,
                "span": [start, end],
                "polarity": polarity,
            },
        )
    return made


def _own_or_manager(by, coding) -> None:
    person_id = roles_for(by).person_id if by is not None else None
    if by is None or coding.coder.person_id == person_id:
        return
    if by.has_perm("insight.manage_study", coding.source.study):
        return
    raise PermissionDenied


@transaction.atomic
def remove_coding(*, by, coding) -> None:
    """Each coder's codings are their own; a lead researcher may also remove them."""
    _own_or_manager(by, coding)
    audit.record(
        by=by,
        action="coding.remove",
        obj=coding,
        changes={
            "source": coding.source_id,
            "code": coding.code_id,
            "coder": coding.coder_id,
            "span": [coding.start, coding.end],
        },
    )
    coding.delete()


@transaction.atomic
def set_polarity(*, by, coding, polarity) -> Coding:
    _own_or_manager(by, coding)
    if polarity not in Polarity.values:
        raise ValidationError({"polarity": _("Choose barrier, facilitator or neutral.")})
    old = coding.polarity
    coding.polarity = polarity
    coding.save(update_fields=["polarity"])
    audit.record(by=by, action="coding.polarity", obj=coding, changes={"polarity": [old, polarity]})
    return coding


@transaction.atomic
def write_memo(
    *, by, study, text, source=None, code=None, participant=None, coding=None, author=None
) -> Memo:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the memo.")})
    for target in (source, code, participant):
        if target is not None and target.study_id != study.pk:
            raise ValidationError(_("The memo must be about something in this study."))
    if coding is not None and coding.source.study_id != study.pk:
        raise ValidationError(_("The memo must be about something in this study."))
    if author is None:
        person = _person_of(by)
        author = coder_for(study=study, person=person) if person else None
    memo = Memo.objects.create(
        study=study,
        author=author,
        text=text,
        source=source,
        code=code,
        participant=participant,
        coding=coding,
    )
    audit.record(
        by=by,
        action="memo.write",
        obj=memo,
        changes={"target": memo.target, "text": [None, text]},
    )
    return memo


@transaction.atomic
def update_memo(*, by, memo, text) -> Memo:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the memo.")})
    old = memo.text
    memo.text = text
    memo.updated_at = timezone.now()
    memo.save(update_fields=["text", "updated_at"])
    audit.record(by=by, action="memo.update", obj=memo, changes={"text": [old, text]})
    return memo


@transaction.atomic
def delete_memo(*, by, memo) -> None:
    audit.record(by=by, action="memo.delete", obj=memo, changes={"text": [memo.text, None]})
    memo.delete()


def _check_theme(theme: Theme, codes) -> None:
    errors = {}
    if not theme.name.strip():
        errors["name"] = _("Give the theme a name.")
    if theme.comb and theme.comb not in frameworks.COMB_KEYS:
        errors["comb"] = _("Choose a COM-B sub-component.")
    if theme.classification and theme.classification not in Classification.values:
        errors["classification"] = _("Choose barrier, facilitator or both.")
    if theme.parent_id is not None:
        if theme.parent.study_id != theme.study_id:
            errors["parent"] = _("Choose a theme from this study.")
        elif theme.parent.parent_id is not None or theme.parent_id == theme.pk:
            errors["parent"] = _("Subthemes sit directly under a theme.")
    if any(c.study_id != theme.study_id for c in codes or ()):
        errors["codes"] = _("Choose codes from this study's codebook.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_theme(
    *, by, study, name, parent=None, description="", comb="", classification="", codes=()
) -> Theme:
    codes = list(codes)
    theme = Theme(
        study=study,
        parent=parent,
        name=name.strip()[:200],
        description=description.strip(),
        comb=comb,
        classification=classification,
        order=(study.themes.aggregate(m=Max("order"))["m"] or 0) + 1,
    )
    _check_theme(theme, codes)
    theme.save()
    theme.codes.set(codes)
    audit.record(
        by=by,
        action="theme.create",
        obj=theme,
        changes=audit.created(theme, THEME_FIELDS[:-1])
        | {"codes": [None, sorted(c.pk for c in codes)]},
    )
    return theme


@transaction.atomic
def update_theme(*, by, theme, codes=None, **fields) -> Theme:
    """Change a theme. An empty classification ("" or None) clears it back to not yet decided,
    as an empty COM-B sub-component clears that."""
    before = audit.snapshot(theme, THEME_FIELDS[:-1])
    old_codes = sorted(theme.codes.values_list("pk", flat=True))
    for name, value in fields.items():
        if name not in THEME_FIELDS[:-1]:
            raise TypeError(name)
        if value is None and name in ("classification", "comb", "description"):
            value = ""  # text columns: "nothing" is the empty string, never NULL
        setattr(theme, name, value.strip() if isinstance(value, str) else value)
    codes = list(codes) if codes is not None else None
    _check_theme(theme, codes)
    theme.save()
    changes = audit.diff(before, audit.snapshot(theme, THEME_FIELDS[:-1]))
    if codes is not None:
        theme.codes.set(codes)
        new_codes = sorted(c.pk for c in codes)
        if new_codes != old_codes:
            changes["codes"] = [old_codes, new_codes]
    audit.record(by=by, action="theme.update", obj=theme, changes=changes)
    return theme


@transaction.atomic
def set_matrix_cell(*, by, theme, participant: Participant, summary) -> MatrixCell | None:
    """Write (or clear, with an empty summary) one framework-matrix cell."""
    if participant.study_id != theme.study_id:
        raise ValidationError(_("The participant must be in this study."))
    summary = (summary or "").strip()
    cell = MatrixCell.objects.filter(theme=theme, participant=participant).first()
    old = cell.summary if cell else None
    if not summary:
        if cell is not None:
            audit.record(by=by, action="matrix.clear", obj=cell, changes={"summary": [old, None]})
            cell.delete()
        return None
    if cell is None:
        cell = MatrixCell(theme=theme, participant=participant)
    cell.summary = summary
    cell.updated_at = timezone.now()
    cell.save()
    audit.record(by=by, action="matrix.write", obj=cell, changes={"summary": [old, summary]})
    return cell


@transaction.atomic
def set_candidate(
    *, by, theme, function, apease=None, note="", selected=False
) -> InterventionCandidate:
    """Record the team's APEASE judgement of one intervention function for a barrier theme."""
    data = frameworks.bcw()
    if function not in {f["key"] for f in data["functions"]}:
        raise ValidationError({"function": _("Choose an intervention function.")})
    criteria = {a["key"] for a in data["apease"]}
    apease = {k: (v or "").strip() for k, v in (apease or {}).items() if (v or "").strip()}
    if any(k not in criteria for k in apease):
        raise ValidationError(_("Use the six APEASE criteria."))
    candidate = InterventionCandidate.objects.filter(theme=theme, function=function).first()
    fields = ("apease", "note", "selected")
    before = audit.snapshot(candidate, fields) if candidate else {}
    if candidate is None:
        candidate = InterventionCandidate(theme=theme, function=function)
    candidate.apease = apease
    candidate.note = note.strip()
    candidate.selected = selected
    candidate.updated_at = timezone.now()
    candidate.save()
    audit.record(
        by=by,
        action="intervention.judge",
        obj=candidate,
        changes=audit.diff(before, audit.snapshot(candidate, fields)),
    )
    return candidate
