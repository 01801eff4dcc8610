"""Units of text that suggestions are made for, and their labels from human codings.

A unit is (start, end, text) with Unicode code-point offsets into the source text (end
exclusive), the same convention as Coding and Turn, so `source.text[start:end] == unit.text`.
Units never include the whitespace around them.

Three kinds, the user's choice:

- sentence: a regular-expression splitter. A line break always ends a sentence (transcripts put
  one turn or paragraph on a line); inside a line a sentence ends at ".", "!", "?" or "…"
  (with any closing quotes or brackets) followed by white space, except after a known
  abbreviation ("Dr.", "e.g.") or a single-letter initial ("J. Smith"), or when the next word
  starts with a lower-case letter. A speaker label at the start of a line ("P03: ") is not part
  of the sentence after it.
- turn: the source's speaker turns when it has them (Turn rows); otherwise a turn starts at each
  line that begins with a speaker label ("Name: ") and runs to the next one. A text with no
  speaker labels falls back to paragraphs.
- paragraph: blocks separated by blank lines; a text with no blank line at all has one paragraph
  per non-empty line.

Labelling rule (`label_units`): a unit carries a code when some human coding of that code
overlaps it by at least half of the unit's length OR at least half of the coding's length. The
first half catches long codings that cover many units; the second catches a short quote coded
inside a long unit. Its polarity label is the most common polarity among the codings that
labelled it, "neutral" when that is a tie.
"""

import bisect
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import NamedTuple

UNIT_KINDS = ("sentence", "turn", "paragraph")


class Unit(NamedTuple):
    start: int
    end: int
    text: str


# "Name: " at the start of a line: up to 40 characters of a name with no sentence punctuation.
SPEAKER = re.compile(r"^[ \t]*(?P<speaker>\w[\w .'’()\-]{0,39}?)[ \t]*:[ \t]+", re.MULTILINE)
# Sentence-ending punctuation, closing quotes or brackets, then white space or the end.
ENDING = re.compile(r"[.!?…]+[\"'’”)\]]*(?=\s|$)")
WORD_BEFORE = re.compile(r"(\w[\w.]*)\.$")
ABBREVIATIONS = frozenset(
    """
    dr mr mrs ms mx prof sr jr st rev hon capt col gen lt sgt fr
    e.g eg i.e ie etc vs v cf al approx appt dept est fig inc ltd co corp no nos vol pp p
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun
    """.split()
)
BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")


def _trimmed(text: str, start: int, end: int) -> Unit | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return None
    return Unit(start, end, text[start:end])


def _lines(text: str) -> Iterable[tuple[int, int]]:
    start = 0
    for match in re.finditer(r"\n", text):
        yield start, match.start()
        start = match.end()
    yield start, len(text)


def _is_boundary(line: str, match: re.Match) -> bool:
    if match.group().rstrip("\"'’”)]") == ".":
        before = WORD_BEFORE.search(line, 0, match.start() + 1)
        if before:
            word = before.group(1).lower()
            if word in ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                return False
    rest = line[match.end() :].lstrip()
    # "approx. ten minutes": a lower-case word after the stop continues the sentence.
    return not (rest and rest[0].islower())


def sentences(text: str) -> list[Unit]:
    units = []
    for line_start, line_end in _lines(text):
        line = text[line_start:line_end]
        offset = 0
        label = SPEAKER.match(line)
        if label:
            offset = label.end()
        for match in ENDING.finditer(line, offset):
            if not _is_boundary(line, match):
                continue
            unit = _trimmed(text, line_start + offset, line_start + match.end())
            if unit:
                units.append(unit)
            offset = match.end()
        unit = _trimmed(text, line_start + offset, line_end)
        if unit:
            units.append(unit)
    return units


def paragraphs(text: str) -> list[Unit]:
    if BLANK_LINE.search(text):
        bounds = [(0, 0)] + [(m.start(), m.end()) for m in BLANK_LINE.finditer(text)]
        bounds.append((len(text), len(text)))
        spans = [(bounds[i][1], bounds[i + 1][0]) for i in range(len(bounds) - 1)]
    else:
        spans = list(_lines(text))
    return [u for u in (_trimmed(text, s, e) for s, e in spans) if u]


def turns(text: str, turn_spans: Sequence[tuple[int, int]] | None = None) -> list[Unit]:
    """Speaker turns: from `turn_spans` (the source's Turn rows) when given, else from "Name: "
    labels at line starts, else paragraphs."""
    if turn_spans:
        return [u for u in (_trimmed(text, s, e) for s, e in turn_spans) if u]
    starts = [m.start() for m in SPEAKER.finditer(text)]
    if not starts:
        return paragraphs(text)
    bounds = ([0] if starts[0] > 0 else []) + starts + [len(text)]
    return [
        u for u in (_trimmed(text, bounds[i], bounds[i + 1]) for i in range(len(bounds) - 1)) if u
    ]


def split(text: str, kind: str, turn_spans: Sequence[tuple[int, int]] | None = None) -> list[Unit]:
    if kind == "sentence":
        return sentences(text)
    if kind == "turn":
        return turns(text, turn_spans)
    if kind == "paragraph":
        return paragraphs(text)
    raise ValueError(kind)


class Span(NamedTuple):
    """A human coding as the labeller needs it."""

    start: int
    end: int
    code: object
    polarity: str = "neutral"


def covers(unit_start: int, unit_end: int, start: int, end: int) -> bool:
    """The labelling rule: overlap of at least half the unit or half the coding (integers, so
    exact: 2 * overlap >= length)."""
    overlap = min(unit_end, end) - max(unit_start, start)
    if overlap <= 0:
        return False
    return 2 * overlap >= unit_end - unit_start or 2 * overlap >= end - start


def label_units(units: Sequence[Unit], spans: Iterable[Span]) -> list[tuple[frozenset, str | None]]:
    """For each unit: the codes it carries and its polarity label (None when it has no code)."""
    spans = sorted(spans, key=lambda s: (s.start, s.end))
    starts = [s.start for s in spans]
    # Longest coding so far bounds how far back a coding can start and still reach a unit.
    longest = max((s.end - s.start for s in spans), default=0)
    labels = []
    for unit in units:
        first = bisect.bisect_left(starts, unit.start - longest)
        last = bisect.bisect_left(starts, unit.end)
        codes = set()
        polarities = Counter()
        for span in spans[first:last]:
            if covers(unit.start, unit.end, span.start, span.end):
                codes.add(span.code)
                polarities[span.polarity or "neutral"] += 1
        labels.append((frozenset(codes), majority(polarities) if codes else None))
    return labels


def majority(counts: Counter) -> str:
    ranked = counts.most_common()
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return "neutral"
    return ranked[0][0]
