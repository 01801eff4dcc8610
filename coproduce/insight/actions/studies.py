"""Studies, their team, participants (cases) and attributes, and sources with speaker turns."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from coproduce.core import audit, limits
from coproduce.people.roles import roles_for

from .. import frameworks, search
from ..models import (
    STANDARD_ATTRIBUTES,
    Attribute,
    AttributeType,
    Code,
    Coder,
    Participant,
    Source,
    SourceKind,
    Study,
    StudyMember,
    StudyRole,
    Turn,
)
from ..selectors.coding import person_coder

__all__ = [
    "create_study",
    "update_study",
    "set_member",
    "remove_member",
    "define_attribute",
    "add_participant",
    "update_participant",
    "add_source",
    "link_turns",
    "seed_framework_codes",
    "coder_for",
    "check_attribute_value",
]

STUDY_FIELDS = (
    "organisation",
    "project",
    "slug",
    "title",
    "description",
    "descriptor_template",
    "bcw_variant",
)
# Addresses under /insight/ that are pages, not studies.
RESERVED_SLUGS = {"new", "jobs"}
PLACEHOLDER = re.compile(r"\{([a-z0-9_-]+)\}")
# Attributes that are demographic or health data (UK GDPR Art. 9) among the standard ones.
SPECIAL_STANDARD = {"disability", "age_band", "gender"}


def _check_template(study: Study) -> None:
    try:
        study.descriptor_template.format_map({})
    except KeyError:
        pass
    except (ValueError, IndexError):
        raise ValidationError(
            {"descriptor_template": _("Write attribute names in braces, like {role}.")}
        ) from None


@transaction.atomic
def create_study(
    *,
    by,
    organisation,
    title,
    slug="",
    project=None,
    description="",
    descriptor_template="{sample_group}",
    bcw_variant="2014",
    seed_comb=True,
    seed_tdf=False,
    standard_attributes=True,
) -> Study:
    """A new study with the seed study's attributes and COM-B codebook, led by its creator."""
    slug = slug or slugify(title)[:80]
    if slug in RESERVED_SLUGS:
        raise ValidationError({"slug": _("This short name is used by the site; choose another.")})
    if Study.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": _("Another study already uses this short name.")})
    study = Study(
        organisation=organisation,
        project=project,
        slug=slug,
        title=title.strip(),
        description=description.strip(),
        descriptor_template=descriptor_template.strip() or "{sample_group}",
        bcw_variant=bcw_variant,
    )
    study.full_clean(exclude=["organisation", "project"])
    _check_template(study)
    study.save()
    audit.record(
        by=by, action="study.create", obj=study, changes=audit.created(study, STUDY_FIELDS)
    )
    if standard_attributes:
        Attribute.objects.bulk_create(
            Attribute(
                study=study,
                name=name,
                label=str(label),
                special_category=name in SPECIAL_STANDARD,
                order=i,
            )
            for i, (name, label) in enumerate(STANDARD_ATTRIBUTES)
        )
    person_id = roles_for(by).person_id if by is not None else None
    if person_id is not None:
        StudyMember.objects.create(study=study, person_id=person_id, role=StudyRole.LEAD)
    if seed_comb:
        seed_framework_codes(by=by, study=study, framework="comb")
    if seed_tdf:
        seed_framework_codes(by=by, study=study, framework="tdf")
    return study


@transaction.atomic
def update_study(*, by, study, **fields) -> Study:
    before = audit.snapshot(study, STUDY_FIELDS)
    for name, value in fields.items():
        if name not in STUDY_FIELDS or name == "organisation":
            raise TypeError(name)
        setattr(study, name, value.strip() if isinstance(value, str) else value)
    if study.slug != before["slug"] and study.slug in RESERVED_SLUGS:
        raise ValidationError({"slug": _("This short name is used by the site; choose another.")})
    if study.slug != before["slug"] and Study.objects.filter(slug=study.slug).exists():
        raise ValidationError({"slug": _("Another study already uses this short name.")})
    study.full_clean(exclude=["organisation", "project"])
    _check_template(study)
    study.save()
    audit.record(
        by=by,
        action="study.update",
        obj=study,
        changes=audit.diff(before, audit.snapshot(study, STUDY_FIELDS)),
    )
    return study


@transaction.atomic
def set_member(*, by, study, person, role) -> StudyMember:
    if role not in StudyRole.values:
        raise ValidationError({"role": _("Choose a role.")})
    member, created = StudyMember.objects.get_or_create(
        study=study, person=person, defaults={"role": role}
    )
    old = None if created else member.role
    if not created and member.role != role:
        member.role = role
        member.save(update_fields=["role"])
    audit.record(
        by=by, action="study.member", obj=member, changes={"role": [old, role], "study": study.pk}
    )
    return member


@transaction.atomic
def remove_member(*, by, member) -> None:
    leads = StudyMember.objects.filter(study=member.study, role=StudyRole.LEAD)
    if member.role == StudyRole.LEAD and leads.count() == 1:
        raise ValidationError(_("A study needs at least one lead researcher."))
    audit.record(
        by=by,
        action="study.member_remove",
        obj=member,
        changes={"role": [member.role, None], "person": member.person_id},
    )
    member.delete()


@transaction.atomic
def define_attribute(
    *, by, study, name, label="", type=AttributeType.TEXT, special_category=False
) -> Attribute:
    name = slugify(name).replace("-", "_")[:60]
    if not name:
        raise ValidationError({"name": _("Give the attribute a name.")})
    if type not in AttributeType.values:
        raise ValidationError({"type": _("Choose a type.")})
    attribute = Attribute.objects.filter(study=study, name=name).first()
    before = audit.snapshot(attribute, ("label", "type", "special_category")) if attribute else {}
    if attribute is None:
        attribute = Attribute(study=study, name=name, order=study.attributes.count())
    attribute.label = (label or name.replace("_", " ").capitalize()).strip()
    attribute.type = type
    attribute.special_category = special_category
    attribute.save()
    audit.record(
        by=by,
        action="study.attribute",
        obj=attribute,
        changes=audit.diff(
            before, audit.snapshot(attribute, ("label", "type", "special_category"))
        ),
    )
    return attribute


def check_attribute_value(attribute: Attribute, value) -> str:
    """The value as stored text, or a ValidationError naming the attribute."""
    if value is None:
        return ""
    text = str(value).strip()
    if not text:
        return ""
    kind = attribute.type
    try:
        if kind == AttributeType.INTEGER:
            return str(int(text))
        if kind == AttributeType.FLOAT:
            return str(float(text))
        if kind == AttributeType.BOOLEAN:
            lowered = text.lower()
            if lowered in ("true", "yes", "1", "y", "ie", "gwir"):
                return "true"
            if lowered in ("false", "no", "0", "n", "na", "gau"):
                return "false"
            raise ValueError(text)
        if kind == AttributeType.DATE:
            import datetime

            return datetime.date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        raise ValidationError(
            _("“%(value)s” is not a valid value for %(attribute)s.")
            % {"value": text, "attribute": attribute.label}
        ) from None
    return text


def _clean_attributes(study, values: dict) -> dict:
    defined = {a.name: a for a in study.attributes.all()}
    clean = {}
    for name, value in (values or {}).items():
        attribute = defined.get(name)
        if attribute is None:
            raise ValidationError(
                _("The study has no attribute called “%(name)s”.") % {"name": name}
            )
        text = check_attribute_value(attribute, value)
        if text:
            clean[name] = text
    return clean


@transaction.atomic
def add_participant(*, by, study, identifier, attributes=None, speaker_labels=None) -> Participant:
    identifier = (identifier or "").strip()
    if not identifier:
        raise ValidationError({"identifier": _("Give the participant an identifier.")})
    if Participant.objects.filter(study=study, identifier=identifier).exists():
        raise ValidationError({"identifier": _("Another participant already has this identifier.")})
    participant = Participant(
        study=study,
        identifier=identifier,
        attributes=_clean_attributes(study, attributes),
        speaker_labels=[s.strip() for s in (speaker_labels or []) if s.strip()],
    )
    participant.full_clean(exclude=["study"])
    participant.save()
    audit.record(
        by=by,
        action="participant.create",
        obj=participant,
        changes=audit.created(participant, ("identifier", "attributes", "speaker_labels")),
    )
    return participant


@transaction.atomic
def update_participant(
    *, by, participant, identifier=None, attributes=None, speaker_labels=None
) -> Participant:
    fields = ("identifier", "attributes", "speaker_labels")
    before = audit.snapshot(participant, fields)
    if identifier is not None:
        identifier = identifier.strip()
        if not identifier:
            raise ValidationError({"identifier": _("Give the participant an identifier.")})
        clash = Participant.objects.filter(study=participant.study, identifier=identifier)
        if clash.exclude(pk=participant.pk).exists():
            raise ValidationError(
                {"identifier": _("Another participant already has this identifier.")}
            )
        participant.identifier = identifier
    if attributes is not None:
        participant.attributes = _clean_attributes(participant.study, attributes)
    if speaker_labels is not None:
        participant.speaker_labels = [s.strip() for s in speaker_labels if s.strip()]
    participant.save()
    audit.record(
        by=by,
        action="participant.update",
        obj=participant,
        changes=audit.diff(before, audit.snapshot(participant, fields)),
    )
    return participant


def _speaker_index(study) -> dict[str, Participant]:
    index = {}
    for participant in study.participants.all():
        for label in [participant.identifier, *participant.speaker_labels]:
            index.setdefault(label.strip().casefold(), participant)
    return index


@transaction.atomic
def add_source(
    *,
    by,
    study,
    name,
    text,
    turns=(),
    kind=SourceKind.INTERVIEW,
    original_filename="",
    participants=None,
    audit_event=True,
) -> Source:
    """Store a transcript once. `turns` are (speaker, start, end) in code points; speakers that
    match a participant's identifier or speaker label are linked to that participant."""
    name = (name or "").strip()[:200]
    if not name:
        raise ValidationError({"name": _("Give the source a name.")})
    if not text or not text.strip():
        raise ValidationError({"text": _("The file has no text.")})
    limits.check_characters(name, text)
    if Source.objects.filter(study=study, name=name).exists():
        raise ValidationError({"name": _("Another source already has this name.")})
    source = Source.objects.create(
        study=study,
        name=name,
        kind=kind,
        text=text,
        original_filename=original_filename[:255],
    )
    index = _speaker_index(study)
    rows = []
    previous_end = 0
    for i, (speaker, start, end) in enumerate(turns):
        if not (previous_end <= start < end <= len(text)):
            raise ValidationError(_("Speaker turns must be in order and inside the text."))
        previous_end = end
        speaker = (speaker or "").strip()[:100]
        rows.append(
            Turn(
                source=source,
                index=i,
                speaker=speaker,
                participant=index.get(speaker.casefold()),
                start=start,
                end=end,
            )
        )
    Turn.objects.bulk_create(rows, batch_size=1000)
    linked = {t.participant.pk for t in rows if t.participant is not None}
    linked |= {p.pk for p in participants or ()}
    if linked:
        source.participants.add(*linked)
    search.index_sources([source.pk])  # full-text index, in this transaction (insight/search.py)
    if audit_event:
        audit.record(
            by=by,
            action="source.add",
            obj=source,
            changes={
                "name": [None, name],
                "characters": [None, len(text)],
                "turns": [None, len(rows)],
                "participants": [None, sorted(linked)],
            },
        )
    return source


@transaction.atomic
def link_turns(*, by, source, speaker, participant) -> int:
    """Say who a speaker label is in one source (focus groups have many speakers)."""
    count = source.turns.filter(speaker=speaker).update(participant=participant)
    if participant is not None:
        source.participants.add(participant)
    audit.record(
        by=by,
        action="source.link_speaker",
        obj=source,
        changes={"speaker": speaker, "participant": [None, getattr(participant, "pk", None)]},
    )
    return count


@transaction.atomic
def seed_framework_codes(*, by, study, framework="comb") -> list[Code]:
    """Preload a framework's codes (COM-B sub-components, or TDF domains under their COM-B
    parents) with definitions and source, in the language the study is being made in (the
    active one: a study created in Welsh gets Welsh codes). Codes already seeded are left
    alone."""
    existing = set(study.codes.exclude(framework_key="").values_list("framework_key", flat=True))
    made = []
    if framework == "comb":
        data = frameworks.comb()
        source = _("Source: %(source)s") % {"source": " ".join(data["source"].split())}
        for i, c in enumerate(data["components"]):
            key = f"comb:{c['key']}"
            if key in existing:
                continue
            made.append(
                Code.objects.create(
                    study=study,
                    name=frameworks.localised(c),
                    colour=c["colour"],
                    definition=f"{frameworks.localised(c, 'definition')}\n\n{source}",
                    comb=c["key"],
                    framework_key=key,
                    order=i,
                )
            )
    elif framework == "tdf":
        data = frameworks.tdf()
        source = _("Source: %(source)s") % {"source": " ".join(data["source"].split())}
        parents = {c.comb: c for c in study.codes.filter(framework_key__startswith="comb:")}
        for i, d in enumerate(data["domains"]):
            key = f"tdf:{d['key']}"
            if key in existing:
                continue
            first = d["comb"][0]
            made.append(
                Code.objects.create(
                    study=study,
                    parent=parents.get(first),
                    name=frameworks.localised(d),
                    definition=source,
                    comb=first,
                    tdf_domains=[d["key"]],
                    framework_key=key,
                    order=100 + i,
                )
            )
    else:
        raise ValueError(framework)
    audit.record(
        by=by,
        action="codebook.seed",
        obj=study,
        changes={"framework": framework, "codes": [None, [c.pk for c in made]]},
    )
    return made


def coder_for(*, study, person=None, name="", is_suggestion=False) -> Coder:
    """The Coder row for a person (made on first use) — part of the calling action's write."""
    if person is not None:
        # Read on every coding click: the plain-SQL selector (core/sql.py).
        coder = person_coder(study, person.pk)
        if coder is None:
            coder = Coder.objects.create(study=study, person=person, name=person.full_name)
        return coder
    coder = Coder.objects.filter(
        study=study, person=None, name=name, is_suggestion=is_suggestion
    ).first()
    return coder or Coder.objects.create(study=study, name=name, is_suggestion=is_suggestion)
