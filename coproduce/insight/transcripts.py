"""Reading transcripts into one text and its speaker turns.

Every reader returns (text, turns): `text` is what the study stores and people read, with line
ends normalised to "\\n" and speaker labels kept in it; `turns` are (speaker, start, end) in Unicode
code points into that text, end exclusive, the convention the models use. Anything that cannot be
read raises ValidationError with a message for the person uploading, never another exception.

Word and OpenDocument files are zips: they are opened and their XML checked within the limits
of core/limits.py (a 400 KB file can unpack to 400 MB) before python-docx or odfpy reads them,
and no transcript may hold more characters than one source can.
"""

import html
import io
import re
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from lxml import etree

from coproduce.core import archives, limits

# Transcripts are text: 5 MB is several hundred pages and keeps a batch of 20 affordable.
MAX_BYTES = 5 * 1024 * 1024
EXTENSIONS = (".txt", ".docx", ".odt", ".vtt", ".srt")

Turn = tuple[str, int, int]

# "Interviewer:", "P03:", "Dr Jones:", "Facilitator (Siân):" at the start of a line, then a space or
# the end of the line (so "10:30" and "https://" never count as labels).
LABEL = re.compile(r"^(?P<label>[^\s:][^:\n]{0,39}?)[ \t]*:(?=[ \t]|$)")
LABEL_MAX = 40
# Small words allowed lower-case inside a multi-word label ("Mrs ap Rhys", "Dr van Dijk").
CONNECTORS = {"ap", "ab", "ferch", "van", "von", "de", "der", "den", "la", "le", "du", "da", "y"}
NOT_IN_LABEL = set('?!;,"“”/=<>[]{}|')
VOICE = re.compile(r"<v(?:\.[^\s>]*)?\s+([^>]+)>")
TAG = re.compile(r"</?[^>]*>")


def _refuse(message: str):
    raise ValidationError({"files": message})


def is_label(label: str) -> bool:
    """Whether text before a colon reads as a speaker's name rather than part of a sentence."""
    label = label.strip()
    if not label or len(label) > LABEL_MAX or any(c in NOT_IN_LABEL for c in label):
        return False
    if not any(c.isalpha() for c in label):
        return False  # times and numbers ("10", "12.30")
    words = label.split()
    if len(words) > 4:
        return False
    if len(words) == 1:
        return True
    for word in words:
        first = word.lstrip("(")[:1]
        if not first:
            continue
        if not (first.isupper() or first.isdigit()) and word.lower() not in CONNECTORS:
            return False
    return True


def label_of(line: str) -> str | None:
    match = LABEL.match(line)
    if match and is_label(match["label"]):
        return match["label"].strip()
    return None


def normalise(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")


def detect_turns(text: str) -> list[Turn]:
    """Turns of a plain text: a labelled line starts a turn; lines without a label (and blank
    lines) continue the one before. Text before the first label is not a turn."""
    turns: list[list] = []
    position = 0
    for line in text.split("\n"):
        start, end = position, position + len(line)
        position = end + 1
        label = label_of(line)
        if label is not None:
            turns.append([label, start, end])
        elif turns and line.strip():
            turns[-1][2] = end
    return [(speaker, start, end) for speaker, start, end in turns]


def decode(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), else Windows-1252 as older Word exports are."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            _refuse(_("The file is not readable text. Save it as UTF-8 text and try again."))
    if "\x00" in text:
        _refuse(_("The file is not readable text. Save it as UTF-8 text and try again."))
    return normalise(text)


def read_txt(data: bytes) -> tuple[str, list[Turn]]:
    text = decode(data)
    return text, detect_turns(text)


def _check_package(name: str, data: bytes, unreadable: str) -> None:
    """Open a Word or OpenDocument zip within the limits and check every XML part in it for
    depth and declared entities, streaming, before a library that trusts its input reads it."""
    try:
        with archives.Archive(io.BytesIO(data), name=name) as archive:
            for member in archive.namelist():
                if member.lower().endswith((".xml", ".rels")):
                    with archive.open(member) as stream:
                        archives.parse_xml(stream, name=name, keep=False)
    except archives.BadArchive:
        _refuse(unreadable)
    except etree.XMLSyntaxError:
        _refuse(unreadable)


def read_docx(data: bytes, name: str = "") -> tuple[str, list[Turn]]:
    import docx

    unreadable = _("The Word file could not be read. Open it in Word, save it again and retry.")
    _check_package(name, data, unreadable)

    try:
        document = docx.Document(io.BytesIO(data))
        paragraphs = [p.text for p in document.paragraphs]
    except Exception:  # python-docx raises many kinds for a broken package
        _refuse(unreadable)
    text = normalise("\n".join(paragraphs))
    return text, detect_turns(text)


class _Budget:
    """Characters an OpenDocument text may still produce. text:s says how many spaces it stands
    for (text:c), so 800 bytes can ask for fifty million: each part is counted before it is
    made, and the reading stops at the characters-per-source limit."""

    def __init__(self, name: str):
        self.name, self.left = name, limits.get("source_chars")

    def spend(self, n: int) -> None:
        self.left -= n
        if self.left < 0:
            raise limits.too_many_characters(self.name)


def _odt_text(node, budget: _Budget) -> str:
    """A paragraph's text, with text:s (spaces), text:tab and text:line-break kept."""
    from odf.namespaces import TEXTNS

    parts = []
    for child in node.childNodes:
        if child.nodeType == child.TEXT_NODE:
            part = child.data
        elif child.nodeType == child.ELEMENT_NODE:
            if child.qname == (TEXTNS, "s"):
                spaces = max(int(child.getAttrNS(TEXTNS, "c") or 1), 0)
                budget.spend(spaces)
                parts.append(" " * spaces)
                continue
            elif child.qname == (TEXTNS, "tab"):
                part = "\t"
            elif child.qname == (TEXTNS, "line-break"):
                part = "\n"
            elif child.qname in ((TEXTNS, "note"), (TEXTNS, "tracked-changes")):
                continue  # footnotes and deleted text are not what was said
            else:
                parts.append(_odt_text(child, budget))  # counted inside
                continue
        else:
            continue
        budget.spend(len(part))
        parts.append(part)
    return "".join(parts)


def _odt_paragraphs(node, out: list, budget: _Budget) -> None:
    from odf.namespaces import TEXTNS

    for child in node.childNodes:
        if child.nodeType != child.ELEMENT_NODE:
            continue
        if child.qname in ((TEXTNS, "p"), (TEXTNS, "h")):
            budget.spend(1)  # the line end joining it to the next
            out.append(_odt_text(child, budget))
        elif child.qname != (TEXTNS, "tracked-changes"):
            _odt_paragraphs(child, out, budget)


def read_odt(data: bytes, name: str = "") -> tuple[str, list[Turn]]:
    from odf.opendocument import load

    unreadable = _("The OpenDocument file could not be read. Save it again and retry.")
    _check_package(name, data, unreadable)
    try:
        document = load(io.BytesIO(data))
        paragraphs: list[str] = []
        _odt_paragraphs(document.text, paragraphs, _Budget(name))
    except limits.LimitExceeded:
        raise
    except Exception:  # odfpy raises zip, XML and key errors for broken files
        _refuse(unreadable)
    text = normalise("\n".join(paragraphs))
    return text, detect_turns(text)


def _cue_speaker(raw: str) -> tuple[str | None, str]:
    """The speaker of a cue (from a <v Name> voice tag or a "Name:" prefix) and its words."""
    speaker = None
    voice = VOICE.search(raw)
    if voice:
        speaker = voice.group(1).strip()
    words = " ".join(line.strip() for line in TAG.sub("", raw).split("\n") if line.strip())
    words = html.unescape(words)  # cue text escapes & < > as in HTML
    if speaker is None:
        label = label_of(words)
        if label is not None:
            speaker = label
            words = words[LABEL.match(words).end() :].strip()
    return speaker, words


def read_captions(data: bytes, format: str) -> tuple[str, list[Turn]]:
    """WebVTT or SubRip captions: timestamps, NOTE and STYLE blocks dropped; consecutive cues of
    one speaker merged into one turn written "Speaker: words" on its own line."""
    from webvtt import WebVTT
    from webvtt.errors import MalformedCaptionError, MalformedFileError

    source = decode(data)
    try:
        captions = WebVTT.from_buffer(io.StringIO(source), format=format).captions
    except (MalformedFileError, MalformedCaptionError, ValueError, IndexError):
        if format == "vtt":
            _refuse(_("The WebVTT file could not be read: it must start with WEBVTT."))
        _refuse(_("The subtitle file could not be read: check its numbering and timings."))
    blocks: list[list] = []  # [speaker or None, [words...]]
    for caption in captions:
        speaker, words = _cue_speaker(caption.raw_text)
        if not words:
            continue
        if blocks and (speaker is None or speaker == blocks[-1][0]):
            blocks[-1][1].append(words)
        else:
            blocks.append([speaker, [words]])
    lines, turns, position = [], [], 0
    for speaker, words in blocks:
        line = (f"{speaker}: " if speaker else "") + " ".join(words)
        if speaker:
            turns.append((speaker, position, position + len(line)))
        lines.append(line)
        position += len(line) + 1
    return "\n".join(lines), turns


def read(name: str, data: bytes) -> tuple[str, list[Turn]]:
    """Check and read one uploaded file by its extension."""
    extension = PurePath(name or "").suffix.lower()
    if extension not in EXTENSIONS:
        _refuse(
            _("%(name)s: only .txt, .docx, .odt, .vtt and .srt files can be imported.")
            % {"name": name}
        )
    if not data:
        _refuse(_("%(name)s is empty.") % {"name": name})
    if len(data) > MAX_BYTES:
        _refuse(_("%(name)s is larger than 5 MB.") % {"name": name})
    try:
        if extension == ".txt":
            text, turns = read_txt(data)
        elif extension == ".docx":
            text, turns = read_docx(data, name)
        elif extension == ".odt":
            text, turns = read_odt(data, name)
        else:
            text, turns = read_captions(data, extension[1:])
        limits.check_characters(name, text)
    except limits.LimitExceeded as exc:
        # Its message names the file already.
        raise ValidationError({"files": exc.messages}) from None
    except ValidationError as exc:
        raise ValidationError(
            {"files": [f"{name}: {m}" if not m.startswith(name) else m for m in exc.messages]}
        ) from None
    if not text.strip():
        _refuse(_("%(name)s has no text.") % {"name": name})
    return text, turns
