"""Reading REFI-QDA projects (.qdpx) and codebooks (.qdc) into plain data (`Parsed`), with no
database writes; the writes of an import are in actions.py. The mapping is in tables.py."""

import bisect
import contextlib
import datetime
import io
import os
import re
import uuid
from collections import Counter

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from lxml import etree

from coproduce.core import archives, limits

from ..models import (
    Polarity,
)
from .tables import (
    POLARITY_LINE,
    Parsed,
    _uuid,
    meta_split,
)

# ---------------------------------------------------------------------------------------------
# Import: reading a file into plain data (no database writes)


def _local(el) -> str:
    tag = el.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _kids(el):
    return [c for c in el if isinstance(c.tag, str)]


def _text_of(el) -> str:
    return "".join(el.itertext()) if el is not None else ""


def _check_attrs(parsed, el, known, where):
    for name in el.attrib:
        if name.startswith("{"):
            continue  # xsi:schemaLocation and other namespaced attributes
        if name not in known:
            parsed.skip(f"{where}/@{name}", _("unknown attribute"))


def _parse_xml(source, what: str):
    """The root of an untrusted XML document (bytes or a stream), within the size and depth
    limits and with no entities, DTDs or network (core/archives.py)."""
    try:
        return archives.parse_xml(source, name=what)
    except etree.XMLSyntaxError as exc:
        raise ValidationError(
            _("%(file)s is not well-formed XML: %(error)s") % {"file": what, "error": exc}
        ) from None


def _check_unique_guids(root) -> None:
    seen = set()
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        guid = el.get("guid")
        if guid is None or _local(el) == "MemberCode":
            continue  # a codebook's MemberCode refers to a code by its guid
        key = _uuid(guid)
        if key in seen:
            raise ValidationError(
                _("The identifier %(guid)s is used twice in the file; nothing was imported.")
                % {"guid": guid}
            )
        seen.add(key)


def _normalise_text(text: str):
    """(text with "\\n" line ends, function mapping a position in the original to the new one)."""
    if "\r" not in text:
        return text, lambda p: p
    pairs = [m.start() for m in re.finditer("\r\n", text)]
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    return normalised, lambda p: p - bisect.bisect_left(pairs, p)


def _read_codes(parsed, codes_el, parent, ns_where, order):
    for el in _kids(codes_el):
        name = _local(el)
        if name != "Code":
            # Inside a Code its Description and NoteRef were read with it.
            if ns_where == "Codes":
                parsed.skip(f"{ns_where}/{name}", _("not supported"))
            continue
        _check_attrs(parsed, el, {"guid", "name", "isCodable", "color"}, "Code")
        description, meta = "", {}
        notes = []
        guid = _uuid(el.get("guid")) or uuid.uuid4()
        parsed.codes.append(
            code := {
                "guid": guid,
                "name": (el.get("name") or "").strip(),
                "colour": el.get("color") or "",
                "parent": parent,
                "order": len(parsed.codes),
            }
        )
        for child in _kids(el):
            kind = _local(child)
            if kind == "Description":
                description, meta = meta_split(_text_of(child))
            elif kind == "NoteRef":
                notes.append(child.get("targetGUID"))
            elif kind != "Code":
                parsed.skip(f"Code/{kind}", _("not supported"))
        code["description"], code["meta"] = description, meta
        for note in notes:
            parsed.note_targets.setdefault(_uuid(note), ("code", guid))
        _read_codes(parsed, el, guid, "Code", order)


def _read_value(vv) -> tuple[uuid.UUID | None, str | None]:
    ref, value = None, None
    for child in _kids(vv):
        kind = _local(child)
        if kind == "VariableRef":
            ref = _uuid(child.get("targetGUID"))
        elif kind.endswith("Value"):
            value = _text_of(child).strip()
    return ref, value


def _read_source_text(parsed, el, zf, name):
    """The source's text from PlainTextContent or its internal:// file, or None (skipped)."""
    content = next((c for c in _kids(el) if _local(c) == "PlainTextContent"), None)
    if content is not None:
        return limits.check_characters(name, _text_of(content))
    path = el.get("plainTextPath") or ""
    if path.startswith("internal://"):
        text = _archive_text(zf, path[len("internal://") :], name)
        if text is None:
            raise ValidationError(
                _("The text of source “%(name)s” (%(path)s) is missing from the file.")
                % {"name": name, "path": path}
            )
        return text
    # Some tools write a bare or relative file name, with the text in the archive's sources/
    # folder. Only a name that stays inside the archive is looked for (no "..", no drive, no
    # absolute path, no other scheme); anything else is outside the project file.
    relative = path.replace("\\", "/").removeprefix("./")
    if relative and "://" not in relative and archives.safe_member_name(relative):
        text = _archive_text(zf, relative, name)
        if text is not None:
            return text
    if path:
        parsed.skip("TextSource", _("text stored outside the project file"))
    else:
        parsed.skip("TextSource", _("no plain text"))
    return None


def _archive_text(zf, member: str, name: str) -> str | None:
    """The UTF-8 text of `member` (or sources/`member`) in the archive, names compared in any
    case, or None if it has neither. Read through the bounded reader (core/archives.py)."""
    names = {n.lower(): n for n in (zf.namelist() if zf else [])}
    for candidate in (member, f"sources/{member}"):
        real = names.get(candidate.lower())
        if real is not None and archives.safe_member_name(real):
            data = zf.read(real)  # counted against the member and archive limits
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise ValidationError(
                    _("The text of source “%(name)s” is not UTF-8.") % {"name": name}
                ) from None
            return limits.check_characters(name, text)
    return None


def _read_sources(parsed, sources_el, zf, progress=None):
    names = Counter()
    elements = _kids(sources_el)
    for done, el in enumerate(elements, 1):
        if progress:
            # Reading is most of an import's time; the writes after it are one transaction.
            progress(done, len(elements) + 1)
        kind = _local(el)
        if kind != "TextSource":
            parsed.skip(kind, _("only text sources can be imported"))
            continue
        _check_attrs(
            parsed,
            el,
            {
                "guid",
                "name",
                "richTextPath",
                "plainTextPath",
                "creatingUser",
                "creationDateTime",
                "modifyingUser",
                "modifiedDateTime",
            },
            "TextSource",
        )
        guid = _uuid(el.get("guid")) or uuid.uuid4()
        name = (el.get("name") or "").strip()[:200] or str(guid)
        raw = _read_source_text(parsed, el, zf, name)
        if raw is None:
            selections = [c for c in _kids(el) if _local(c) == "PlainTextSelection"]
            if selections:
                parsed.skip(
                    "PlainTextSelection", _("its source could not be imported"), len(selections)
                )
            codings = sum(
                1
                for c in _kids(el)
                for k in ([c] if _local(c) == "Coding" else _kids(c))
                if _local(k) == "Coding"
            )
            parsed.dropped_sources.append(name)
            parsed.dropped_codings += codings
            continue
        names[name] += 1
        if names[name] > 1:
            name = f"{name[:190]} ({names[name]})"
        text, remap = _normalise_text(raw)
        source = {
            "guid": guid,
            "name": name,
            "text": text,
            "meta": {},
            "created": _datetime(el.get("creationDateTime")),
            "selections": [],
        }
        length = len(raw)
        for child in _kids(el):
            ck = _local(child)
            if ck == "Description":
                description, source["meta"] = meta_split(_text_of(child))
                if description.strip():
                    parsed.skip("TextSource/Description", _("source descriptions are not kept"))
            elif ck == "PlainTextContent":
                pass
            elif ck == "PlainTextSelection":
                _read_selection(parsed, child, source, length, remap)
            elif ck == "Coding":
                # Coding of the whole source: a selection of all its text.
                _read_selection(parsed, child, source, length, remap, whole=True)
            elif ck == "NoteRef":
                parsed.note_targets.setdefault(_uuid(child.get("targetGUID")), ("source", guid))
            else:
                parsed.skip(f"TextSource/{ck}", _("not supported"))
        parsed.sources.append(source)


def _datetime(value):
    if not value:
        return None
    try:
        when = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=datetime.UTC)


def _read_selection(parsed, el, source, length, remap, whole=False):
    if whole:
        start, end = 0, length
        codings_els = [el]
        guid = uuid.uuid4()
        polarity, memo_text, notes = Polarity.NEUTRAL, "", []
        user = el.get("creatingUser")
    else:
        _check_attrs(
            parsed,
            el,
            {
                "guid",
                "name",
                "startPosition",
                "endPosition",
                "creatingUser",
                "creationDateTime",
                "modifyingUser",
                "modifiedDateTime",
            },
            "PlainTextSelection",
        )
        guid = _uuid(el.get("guid")) or uuid.uuid4()
        try:
            start, end = int(el.get("startPosition")), int(el.get("endPosition"))
        except (TypeError, ValueError):
            raise ValidationError(
                _("A selection in “%(source)s” has no valid start and end.")
                % {"source": source["name"]}
            ) from None
        if not (0 <= start <= end <= length):
            raise ValidationError(
                _(
                    "A selection in “%(source)s” (%(start)s to %(end)s) is outside its text, "
                    "which has %(length)s characters; nothing was imported."
                )
                % {"source": source["name"], "start": start, "end": end, "length": length}
            )
        codings_els, polarity, memo_text, notes = [], Polarity.NEUTRAL, "", []
        user = el.get("creatingUser")
        for child in _kids(el):
            ck = _local(child)
            if ck == "Description":
                text = _text_of(child)
                match = POLARITY_LINE.search(text)
                if match:
                    polarity = match.group(1).lower()
                    text = POLARITY_LINE.sub("", text)
                memo_text = text.strip()
            elif ck == "Coding":
                codings_els.append(child)
            elif ck == "NoteRef":
                notes.append(_uuid(child.get("targetGUID")))
            else:
                parsed.skip(f"PlainTextSelection/{ck}", _("not supported"))
    start, end = remap(start), remap(end)
    if start >= end:
        parsed.skip("PlainTextSelection", _("empty selection"))
        return
    selection = {
        "guid": guid,
        "start": start,
        "end": end,
        "polarity": polarity,
        "user": _uuid(user),
        "created": _datetime(el.get("creationDateTime")),
        "memo": memo_text,
        "codings": [],
    }
    for coding_el in codings_els:
        code_ref, coding_notes = None, []
        for child in _kids(coding_el):
            ck = _local(child)
            if ck == "CodeRef":
                code_ref = _uuid(child.get("targetGUID"))
            elif ck == "NoteRef":
                coding_notes.append(_uuid(child.get("targetGUID")))
            else:
                parsed.skip(f"Coding/{ck}", _("not supported"))
        if code_ref is None:
            parsed.skip("Coding", _("no code"))
            continue
        coding_guid = uuid.uuid4() if whole else (_uuid(coding_el.get("guid")) or uuid.uuid4())
        selection["codings"].append(
            {
                "guid": coding_guid,
                "code": code_ref,
                "user": _uuid(coding_el.get("creatingUser")) or selection["user"],
                "created": _datetime(coding_el.get("creationDateTime")) or selection["created"],
            }
        )
        for note in coding_notes:
            parsed.note_targets.setdefault(note, ("coding", coding_guid))
    if selection["codings"]:
        for note in notes:
            parsed.note_targets.setdefault(note, ("coding", selection["codings"][0]["guid"]))
    else:
        parsed.skip("PlainTextSelection", _("no codes applied"))
        for note in notes:
            parsed.note_targets.setdefault(note, ("source", source["guid"]))
        return
    source["selections"].append(selection)


def _read_sets(parsed, sets_el, member_attr="targetGUID"):
    for el in _kids(sets_el):
        if _local(el) != "Set":
            parsed.skip(f"Sets/{_local(el)}", _("not supported"))
            continue
        description, meta = "", {}
        members = []
        for child in _kids(el):
            ck = _local(child)
            if ck == "Description":
                description, meta = meta_split(_text_of(child))
            elif ck == "MemberCode":
                members.append(_uuid(child.get(member_attr) or child.get("guid")))
            else:
                parsed.skip(f"Set/{ck}", _("only codes in sets are kept"))
        parsed.sets.append(
            {
                "guid": _uuid(el.get("guid")) or uuid.uuid4(),
                "name": (el.get("name") or "").strip(),
                "description": description,
                "meta": meta,
                "codes": members,
            }
        )


def _display_name(file, name, default) -> str:
    """What to call the file in messages: the name given, else the path's or file's own."""
    name = name or (file if isinstance(file, str | os.PathLike) else getattr(file, "name", None))
    return str(name or default).replace("\\", "/").rsplit("/", 1)[-1]


def _open_zip(file, name):
    try:
        return archives.Archive(file, name=name)
    except archives.BadArchive:
        raise ValidationError(
            _("This is not a REFI-QDA project file (.qdpx): it is not a zip archive.")
        ) from None


def read_qdpx(file, *, progress=None, name=None) -> Parsed:
    """Read a .qdpx (a path or binary file; `name` is what to call it in messages). Raises
    ValidationError for anything that would make the import wrong, or that holds more than the
    limits of core/limits.py; records what is left out in `skipped`."""
    zf = _open_zip(file, _display_name(file, name, "project.qdpx"))
    with zf:
        entry = next((n for n in zf.namelist() if n.lower().endswith(".qde")), None)
        if entry is None:
            raise ValidationError(_("The file has no project.qde inside."))
        # Parsed as it is unpacked, so the XML is never held twice.
        with zf.open(entry) as stream:
            root = _parse_xml(stream, entry)
        if _local(root) != "Project":
            raise ValidationError(_("project.qde does not describe a REFI-QDA project."))
        _check_unique_guids(root)
        parsed = Parsed(name=(root.get("name") or "").strip())
        _check_attrs(
            parsed,
            root,
            {
                "name",
                "origin",
                "creatingUserGUID",
                "creationDateTime",
                "modifyingUserGUID",
                "modifiedDateTime",
                "basePath",
            },
            "Project",
        )
        sources_el = None
        for el in _kids(root):
            kind = _local(el)
            if kind == "Users":
                for user in _kids(el):
                    if _local(user) != "User":
                        parsed.skip(f"Users/{_local(user)}", _("not supported"))
                        continue
                    _check_attrs(parsed, user, {"guid", "name", "id"}, "User")
                    parsed.users.append(
                        {
                            "guid": _uuid(user.get("guid")) or uuid.uuid4(),
                            "name": (user.get("name") or user.get("id") or "").strip(),
                        }
                    )
            elif kind == "CodeBook":
                for codes in _kids(el):
                    if _local(codes) == "Codes":
                        _read_codes(parsed, codes, None, "Codes", 0)
                    else:
                        parsed.skip(f"CodeBook/{_local(codes)}", _("not supported"))
            elif kind == "Variables":
                for var in _kids(el):
                    if _local(var) != "Variable":
                        parsed.skip(f"Variables/{_local(var)}", _("not supported"))
                        continue
                    description = next(
                        (_text_of(c) for c in _kids(var) if _local(c) == "Description"), ""
                    )
                    text, meta = meta_split(description)
                    parsed.variables.append(
                        {
                            "guid": _uuid(var.get("guid")) or uuid.uuid4(),
                            "name": (var.get("name") or "").strip(),
                            "type": var.get("typeOfVariable") or "Text",
                            "description": text,
                            "meta": meta,
                        }
                    )
            elif kind == "Cases":
                for case in _kids(el):
                    if _local(case) != "Case":
                        parsed.skip(f"Cases/{_local(case)}", _("not supported"))
                        continue
                    item = {
                        "guid": _uuid(case.get("guid")) or uuid.uuid4(),
                        "name": (case.get("name") or "").strip(),
                        "meta": {},
                        "values": [],
                        "sources": [],
                    }
                    for child in _kids(case):
                        ck = _local(child)
                        if ck == "Description":
                            _text, item["meta"] = meta_split(_text_of(child))
                        elif ck == "VariableValue":
                            item["values"].append(_read_value(child))
                        elif ck == "SourceRef":
                            item["sources"].append(_uuid(child.get("targetGUID")))
                        else:
                            parsed.skip(f"Case/{ck}", _("not supported"))
                    parsed.cases.append(item)
            elif kind == "Sources":
                sources_el = el
            elif kind == "Notes":
                for note in _kids(el):
                    if _local(note) != "Note":
                        parsed.skip(f"Notes/{_local(note)}", _("not supported"))
                        continue
                    guid = _uuid(note.get("guid")) or uuid.uuid4()
                    text = _read_source_text(parsed, note, zf, note.get("name") or str(guid))
                    parsed.notes.append(
                        {
                            "guid": guid,
                            "text": _normalise_text(text or "")[0].strip(),
                            "user": _uuid(note.get("creatingUser")),
                            "created": _datetime(note.get("creationDateTime")),
                            "modified": _datetime(note.get("modifiedDateTime")),
                        }
                    )
            elif kind == "Links":
                for link in _kids(el):
                    origin, target = _uuid(link.get("originGUID")), _uuid(link.get("targetGUID"))
                    if _local(link) == "Link" and origin and target:
                        parsed.note_targets.setdefault(origin, ("link", target))
                    else:
                        parsed.skip(f"Links/{_local(link)}", _("not supported"))
            elif kind == "Sets":
                _read_sets(parsed, el)
            elif kind == "Description":
                parsed.description = _text_of(el).strip()
            elif kind == "NoteRef":
                parsed.note_targets.setdefault(_uuid(el.get("targetGUID")), ("study", None))
            else:
                parsed.skip(kind, _("not supported"))
        if sources_el is not None:
            _read_sources(parsed, sources_el, zf, progress)
    return parsed


def read_qdc(file, *, name=None) -> Parsed:
    """Read a .qdc codebook (a path or binary file), within the XML limits."""
    name = _display_name(file, name, "codebook.qdc")
    is_path = isinstance(file, str | os.PathLike)
    with open(file, "rb") if is_path else contextlib.nullcontext(file) as fp:
        if fp.seekable():
            # Refused by its size before any is parsed (the parser counts again as it reads).
            start, size = fp.tell(), fp.seek(0, io.SEEK_END)
            fp.seek(start)
            if size - start > limits.get("xml_bytes"):
                raise limits.too_large(name, size - start, limits.get("xml_bytes"))
        root = _parse_xml(fp, name)
    if _local(root) != "CodeBook":
        raise ValidationError(_("This is not a REFI-QDA codebook (.qdc)."))
    _check_unique_guids(root)
    parsed = Parsed()
    for el in _kids(root):
        kind = _local(el)
        if kind == "Codes":
            _read_codes(parsed, el, None, "Codes", 0)
        elif kind == "Sets":
            _read_sets(parsed, el, member_attr="guid")
        else:
            parsed.skip(kind, _("not supported"))
    return parsed


def looks_like_zip(head: bytes) -> bool:
    return head[:4] == b"PK\x03\x04"
