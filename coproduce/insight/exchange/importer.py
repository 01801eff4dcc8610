"""The database writes of an import of a REFI-QDA project or codebook: what reader.py made of
the file becomes the study's codes, attributes, participants, sources, codings, memos and themes.
`_Import` is one unit (one pass over one parsed file, each step using what the ones before
made), which is why this file is long.

An import is all-or-nothing and fast: rows are made with bulk_create in batches and the audit
trail gets one event for the whole import (with its counts), not one per coding."""

from collections import Counter, defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from coproduce.core import audit

from .. import frameworks, search
from ..actions.studies import check_attribute_value
from ..models import (
    Attribute,
    AttributeType,
    Classification,
    Code,
    Coder,
    Coding,
    Memo,
    Participant,
    Source,
    SourceKind,
    Theme,
    Turn,
)
from . import reader, tables

BATCH = 2000


def _colour(value: str) -> str:
    value = (value or "").strip()
    if tables.COLOUR.match(value):
        if len(value) == 4:
            value = "#" + "".join(ch * 2 for ch in value[1:])
        return value.lower()
    return "#005eb8"


class _Import:
    """One import: the parsed file, the study, and what has been made so far."""

    def __init__(self, study, parsed):
        self.study = study
        self.parsed = parsed
        self.now = timezone.now()
        self.imported = Counter()
        self.matched = Counter()
        self.coders = {}
        self.codes = {}
        self.variables = {}
        self.cases = {}
        self.sources = {}
        self.codings = {}
        self._imported_coder = None
        self._coder_names = {}
        self.flagged_special = []

    def skip(self, what, reason, n=1):
        self.parsed.skip(what, reason, n)

    def run(self) -> dict:
        self.make_coders()
        self.make_codes()
        self.make_variables()
        self.make_participants()
        self.make_sources()
        self.make_codings()
        self.make_memos()
        self.make_themes()
        report = {
            "imported": {k: v for k, v in self.imported.items() if v},
            "matched": {k: v for k, v in self.matched.items() if v},
            "skipped": self.parsed.skipped_list(),
        }
        if self.parsed.dropped_sources:
            report["dropped"] = {
                "sources": list(self.parsed.dropped_sources),
                "codings": self.parsed.dropped_codings,
            }
        if self.flagged_special:
            report["special_category"] = self.flagged_special
        return report

    # People who coded -------------------------------------------------------------------
    def make_coders(self):
        existing = {c.guid: c for c in self.study.coders.all()}
        self._coder_names = {
            c.name: c for c in self.study.coders.filter(person=None, is_suggestion=False)
        }
        new = []
        for user in self.parsed.users:
            coder = existing.get(user["guid"]) or self._coder_names.get(user["name"])
            if coder is not None:
                self.coders[user["guid"]] = coder
                self.matched["users"] += 1
                continue
            coder = Coder(
                study=self.study,
                name=(user["name"] or tables.IMPORTED_CODER)[:200],
                guid=user["guid"],
            )
            new.append(coder)
            self.coders[user["guid"]] = coder
            self._coder_names[coder.name] = coder
        Coder.objects.bulk_create(new, batch_size=BATCH)
        self.imported["users"] += len(new)

    def coder_of(self, guid):
        if guid in self.coders:
            return self.coders[guid]
        # Codings with no (or an unknown) creatingUser get one "imported" coder.
        if self._imported_coder is None:
            coder = self._coder_names.get(tables.IMPORTED_CODER)
            if coder is None:
                coder = Coder.objects.create(study=self.study, name=tables.IMPORTED_CODER)
                self.imported["users"] += 1
            self._imported_coder = coder
        return self._imported_coder

    # Codebook ----------------------------------------------------------------------------
    def make_codes(self):
        existing = list(self.study.codes.all())
        by_guid = {c.guid: c for c in existing}
        by_key = {c.framework_key: c for c in existing if c.framework_key}
        by_name = {(c.parent_id, c.name.casefold()): c for c in existing}
        order = (self.study.codes.aggregate(m=Max("order"))["m"] or 0) + 1
        known_tdf = {d["key"] for d in frameworks.tdf()["domains"]}
        depth = {}
        for item in self.parsed.codes:
            depth[item["guid"]] = depth.get(item["parent"], -1) + 1
        levels = defaultdict(list)
        for item in self.parsed.codes:
            levels[depth[item["guid"]]].append(item)
        for level in sorted(levels):
            new = []
            for item in levels[level]:
                meta = item["meta"]
                parent = self.codes.get(item["parent"])
                name = (item["name"] or _("Unnamed code"))[:200]
                key = meta.get("framework_key") or ""
                match = (
                    by_guid.get(item["guid"])
                    or (by_key.get(key) if key else None)
                    or by_name.get((parent.pk if parent else None, name.casefold()))
                )
                if match is not None:
                    self.codes[item["guid"]] = match
                    self.matched["codes"] += 1
                    continue
                comb = meta.get("comb") or ""
                if comb and comb not in frameworks.COMB_KEYS:
                    self.skip("Code", _("unknown COM-B sub-component"))
                    comb = ""
                tdf = [d for d in meta.get("tdf_domains") or [] if d in known_tdf]
                if len(tdf) != len(meta.get("tdf_domains") or []):
                    self.skip("Code", _("unknown TDF domain"))
                code = Code(
                    study=self.study,
                    parent=parent,
                    name=name,
                    colour=_colour(item["colour"]),
                    definition=item["description"].strip(),
                    inclusion=str(meta.get("inclusion") or ""),
                    exclusion=str(meta.get("exclusion") or ""),
                    comb=comb,
                    tdf_domains=tdf,
                    framework_key=str(key)[:60] if key and key not in by_key else "",
                    order=order + item["order"],
                    guid=item["guid"],
                )
                new.append(code)
                self.codes[item["guid"]] = code
                if code.framework_key:
                    by_key[code.framework_key] = code
            Code.objects.bulk_create(new, batch_size=BATCH)
            for code in new:
                by_name[(code.parent_id, code.name.casefold())] = code
            self.imported["codes"] += len(new)

    # Cases and their characteristics -----------------------------------------------------
    def make_variables(self):
        existing = {a.name: a for a in self.study.attributes.all()}
        by_guid = {a.guid: a for a in existing.values()}
        order = (self.study.attributes.aggregate(m=Max("order"))["m"] or 0) + 1
        new = []
        for item in self.parsed.variables:
            name = slugify(str(item["meta"].get("name") or item["name"])).replace("-", "_")[:60]
            if not name:
                self.skip("Variable", _("no name"))
                continue
            attribute = by_guid.get(item["guid"]) or existing.get(name)
            if attribute is not None:
                self.variables[item["guid"]] = attribute
                self.matched["variables"] += 1
                continue
            if item["type"] not in tables.FROM_REFI_TYPES:
                self.skip("Variable", _("unknown type, kept as text"))
            label = (item["name"] or name)[:100]
            special = item["meta"].get("special_category")
            if special is None and tables.plainly_special(name, label):
                # From another tool (our own exports say either way): flagged by the list.
                special = True
                self.flagged_special.append(label)
            attribute = Attribute(
                study=self.study,
                name=name,
                label=label,
                type=tables.FROM_REFI_TYPES.get(item["type"], AttributeType.TEXT),
                special_category=bool(special),
                order=order + len(new),
                guid=item["guid"],
            )
            new.append(attribute)
            existing[name] = attribute
            self.variables[item["guid"]] = attribute
        Attribute.objects.bulk_create(new)
        self.imported["variables"] += len(new)

    def make_participants(self):
        existing = {p.identifier: p for p in self.study.participants.all()}
        new, changed, seen = [], [], Counter()
        for case in self.parsed.cases:
            values = {}
            for ref, value in case["values"]:
                attribute = self.variables.get(ref)
                if attribute is None:
                    self.skip("VariableValue", _("unknown variable"))
                    continue
                try:
                    text = check_attribute_value(attribute, value)
                except ValidationError:
                    self.skip("VariableValue", _("value does not fit the variable's type"))
                    continue
                if text:
                    values[attribute.name] = text
            identifier = (case["name"] or str(case["guid"]))[:60]
            seen[identifier] += 1
            if seen[identifier] > 1:
                identifier = f"{identifier[:54]} ({seen[identifier]})"
            participant = existing.get(identifier)
            if participant is not None:
                # Same person already in the study: fill in only what it does not have yet.
                added = {k: v for k, v in values.items() if k not in participant.attributes}
                if added:
                    participant.attributes = {**participant.attributes, **added}
                    changed.append(participant)
                self.cases[case["guid"]] = participant
                self.matched["participants"] += 1
                continue
            labels = case["meta"].get("speaker_labels") or []
            participant = Participant(
                study=self.study,
                identifier=identifier,
                attributes=values,
                speaker_labels=[str(s).strip()[:100] for s in labels if str(s).strip()],
                guid=case["guid"],
            )
            new.append(participant)
            existing[identifier] = participant
            self.cases[case["guid"]] = participant
        Participant.objects.bulk_create(new, batch_size=BATCH)
        if changed:
            Participant.objects.bulk_update(changed, ["attributes"], batch_size=BATCH)
        self.imported["participants"] += len(new)

    # Sources and speaker turns -----------------------------------------------------------
    def make_sources(self):
        taken = set(self.study.sources.values_list("name", flat=True))
        new = []
        for item in self.parsed.sources:
            if item["name"] in taken:
                raise ValidationError(
                    _("The study already has a source called “%(name)s”; nothing was imported.")
                    % {"name": item["name"]}
                )
            if not item["text"].strip():
                self.skip("TextSource", _("no text"))
                n = sum(len(s["codings"]) for s in item["selections"])
                if n:
                    self.skip("Coding", _("its source could not be imported"), n)
                self.parsed.dropped_sources.append(item["name"])
                self.parsed.dropped_codings += n
                continue
            meta = item["meta"]
            kind = meta.get("kind") if meta.get("kind") in SourceKind.values else "interview"
            source = Source(
                study=self.study,
                name=item["name"],
                kind=kind,
                text=item["text"],
                original_filename=str(meta.get("original_filename") or "")[:255],
                guid=item["guid"],
                created_at=item["created"] or self.now,
            )
            new.append(source)
            self.sources[item["guid"]] = (source, item)
        Source.objects.bulk_create(new, batch_size=100)
        self.imported["sources"] += len(new)

        speakers = {}
        for participant in self.cases.values():
            for label in [participant.identifier, *participant.speaker_labels]:
                speakers.setdefault(label.strip().casefold(), participant)
        turns, links = [], set()
        for source, item in self.sources.values():
            rows = item["meta"].get("turns") or []
            made, previous_end = [], 0
            for i, row in enumerate(rows):
                try:
                    speaker, start, end, who = (list(row) + [None])[:4]
                    start, end = int(start), int(end)
                except (TypeError, ValueError):
                    made = None
                    break
                if not (previous_end <= start < end <= len(source.text)):
                    made = None
                    break
                previous_end = end
                speaker = str(speaker or "").strip()[:100]
                participant = self.cases.get(tables._uuid(who)) if who else None
                participant = participant or speakers.get(speaker.casefold())
                made.append(
                    Turn(
                        source=source,
                        index=i,
                        speaker=speaker,
                        participant=participant,
                        start=start,
                        end=end,
                    )
                )
                if participant is not None:
                    links.add((source.pk, participant.pk))
            if made is None:
                self.skip("TextSource/turns", _("speaker turns out of order or outside the text"))
                continue
            turns.extend(made)
        Turn.objects.bulk_create(turns, batch_size=BATCH)
        # Full-text index of the new passages (insight/search.py), in the same transaction.
        search.index_sources([source.pk for source, _item in self.sources.values()])
        self.imported["turns"] += len(turns)
        for case in self.parsed.cases:
            participant = self.cases.get(case["guid"])
            for ref in case["sources"]:
                if ref in self.sources:
                    links.add((self.sources[ref][0].pk, participant.pk))
                else:
                    self.skip("Case/SourceRef", _("unknown source"))
        through = Source.participants.through
        through.objects.bulk_create(
            [through(source_id=s, participant_id=p) for s, p in sorted(links)],
            batch_size=BATCH,
            ignore_conflicts=True,
        )

    # Codings ----------------------------------------------------------------------------
    def make_codings(self):
        new, seen, memos = [], set(), []
        for source, item in self.sources.values():
            for selection in item["selections"]:
                first = None
                for c in selection["codings"]:
                    code = self.codes.get(c["code"])
                    if code is None:
                        self.skip("Coding", _("refers to a code that is not in the file"))
                        continue
                    coder = self.coder_of(c["user"])
                    key = (source.pk, code.pk, coder.pk, selection["start"], selection["end"])
                    if key in seen:
                        self.skip("Coding", _("same code, coder and text twice"))
                        continue
                    seen.add(key)
                    coding = Coding(
                        source=source,
                        code=code,
                        coder=coder,
                        start=selection["start"],
                        end=selection["end"],
                        polarity=selection["polarity"],
                        selection=selection["guid"],
                        guid=c["guid"],
                        created_at=c["created"] or self.now,
                    )
                    new.append(coding)
                    self.codings[c["guid"]] = coding
                    first = first or coding
                if selection["memo"] and first is not None:
                    memos.append((first, selection["memo"]))
        Coding.objects.bulk_create(new, batch_size=BATCH)
        self.imported["codings"] += len(new)
        self.imported["selections"] += len({c.selection for c in new})
        # A selection's free-text description (a comment in other tools) becomes a memo on it.
        Memo.objects.bulk_create(
            [
                Memo(
                    study=self.study,
                    author=coding.coder,
                    text=text,
                    coding=coding,
                    created_at=self.now,
                    updated_at=self.now,
                )
                for coding, text in memos
            ],
            batch_size=BATCH,
        )
        self.imported["memos"] += len(memos)

    def make_memos(self):
        new = []
        sources = {g: s for g, (s, _item) in self.sources.items()}
        for note in self.parsed.notes:
            if not note["text"]:
                self.skip("Note", _("no text"))
                continue
            kind, target = self.parsed.note_targets.get(note["guid"], ("study", None))
            memo = Memo(
                study=self.study,
                author=self.coders.get(note["user"]),
                text=note["text"],
                guid=note["guid"],
                created_at=note["created"] or self.now,
                updated_at=note["modified"] or note["created"] or self.now,
            )
            targets = {
                "code": [("code", self.codes)],
                "source": [("source", sources)],
                "coding": [("coding", self.codings)],
                # A Link from a note: to a case (our participant memos), code or source.
                "link": [("participant", self.cases), ("code", self.codes), ("source", sources)],
            }.get(kind, [])
            placed = kind == "study"
            for attr, objects in targets:
                if target in objects:
                    setattr(memo, attr, objects[target])
                    placed = True
                    break
            if not placed:
                self.skip("NoteRef", _("the note's target was not imported; kept on the study"))
            new.append(memo)
        Memo.objects.bulk_create(new, batch_size=BATCH)
        self.imported["memos"] += len(new)

    # Themes (sets of codes) -------------------------------------------------------------
    def make_themes(self):
        order = (self.study.themes.aggregate(m=Max("order"))["m"] or 0) + 1
        made = {}
        for i, item in enumerate(self.parsed.sets):
            meta = item["meta"]
            codes = [self.codes[g] for g in item["codes"] if g in self.codes]
            if len(codes) != len(item["codes"]):
                self.skip("Set/MemberCode", _("unknown code"), len(item["codes"]) - len(codes))
            comb = meta.get("comb") if meta.get("comb") in frameworks.COMB_KEYS else ""
            classification = meta.get("classification")
            theme = Theme(
                study=self.study,
                name=(item["name"] or _("Unnamed theme"))[:200],
                description=item["description"].strip(),
                comb=comb,
                classification=classification if classification in Classification.values else "",
                order=order + i,
            )
            made[item["guid"]] = (theme, codes, meta.get("parent"))
        Theme.objects.bulk_create([t for t, _c, _p in made.values()])
        with_parent = []
        for theme, _codes, parent in made.values():
            parent_theme = made.get(tables._uuid(parent), (None,))[0] if parent else None
            if parent_theme is not None and parent_theme is not theme:
                theme.parent = parent_theme
                with_parent.append(theme)
        if with_parent:
            Theme.objects.bulk_update(with_parent, ["parent"])
        through = Theme.codes.through
        through.objects.bulk_create(
            [through(theme_id=t.pk, code_id=c.pk) for t, codes, _p in made.values() for c in codes],
            ignore_conflicts=True,
        )
        self.imported["themes"] += len(made)


def _record_import(by, study, kind, report):
    audit.record(
        by=by,
        action="study.import",
        obj=study,
        changes={
            "format": kind,
            "imported": report["imported"],
            "matched": report["matched"],
            "skipped": sum(s["count"] for s in report["skipped"]),
        },
    )


@transaction.atomic
def import_qdpx(*, by, study, file=None, parsed=None) -> dict:
    """Import a REFI-QDA project into the study, all or nothing. `file` is a path or binary file;
    or pass what reader.read_qdpx made. Returns {"imported", "matched", "skipped"}."""
    if parsed is None:
        parsed = reader.read_qdpx(file)
    report = _Import(study, parsed).run()
    _record_import(by, study, "qdpx", report)
    return report


@transaction.atomic
def import_qdc(*, by, study, file=None, parsed=None) -> dict:
    """Add a REFI-QDA codebook's codes (and sets, as themes) to the study's codebook."""
    if parsed is None:
        parsed = reader.read_qdc(file)
    report = _Import(study, parsed).run()
    _record_import(by, study, "qdc", report)
    return report
