"""Finding names and places in a study's transcripts, and replacing them consistently.

Offline heuristics only (no model, no network): capitalised words and runs of them not at the
start of a sentence, names after a title (Dr, Mrs...), speaker labels, words after "in/at/from"
for places, and short lists of Welsh places and first names (frameworks/names.yaml). They only
propose: the lead researcher chooses every replacement.
"""

import bisect
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml
from django.utils.translation import gettext_lazy

DIR = Path(__file__).parent / "frameworks"
WORD = re.compile(r"[^\W\d_][\w’'\-]*")
SNIPPET = 40
IDENTIFIER_LIKE = re.compile(r"^[A-Z]{1,3}\d+[a-z]?$")
# The words of suggested replacements ("[Person 1]"), in the language of the page.
KIND_LABELS = {
    "person": gettext_lazy("Person"),
    "place": gettext_lazy("Place"),
    "organisation": gettext_lazy("Organisation"),
    "other": gettext_lazy("Name"),
}


@cache
def lists() -> dict:
    data = yaml.safe_load((DIR / "names.yaml").read_text(encoding="utf-8"))
    return {
        "first_names": set(data["first_names"]),
        "places": set(data["places"]),
        "common": set(data["common"]),
        "titles": {t.rstrip(".") for t in data["titles"]},
        "place_words": set(data["place_words"]),
        "role_labels": set(data["role_labels"]),
        "organisation_words": set(data["organisation_words"]),
    }


@dataclass
class Candidate:
    text: str
    kind: str
    count: int = 0
    context: str = ""
    source: str = ""
    suggestion: str = ""
    reasons: set = field(default_factory=set)


def word_pattern(words) -> re.Pattern:
    """Whole words, case-sensitive, longest first so "Mary Jones" wins over "Mary"."""
    alternatives = "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))
    return re.compile(rf"(?<![\w’'\-])(?:{alternatives})(?![\w\-]|[’'][^\W\d_]{{2,}})")


def _capitalised(token: str) -> bool:
    return token[:1].isupper()


def _sentence_start(text: str, start: int) -> bool:
    before = text[:start].rstrip(' \t"“‘(')
    if not before or before.endswith(("\n", ".", "!", "?", "…", ":")):
        return True
    return False


def _in_brackets(text: str, start: int) -> bool:
    """Inside "[Person 1]": an earlier replacement, never a candidate again."""
    opening = text.rfind("[", 0, start)
    return opening != -1 and text.find("]", opening) >= start and "\n" not in text[opening:start]


def _runs(text: str):
    """Runs of capitalised words ("Mary Jones", "Ysbyty Gwynedd") with their start offsets."""
    tokens = list(WORD.finditer(text))
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if not _capitalised(token.group()):
            i += 1
            continue
        j = i
        while (
            j + 1 < len(tokens)
            and _capitalised(tokens[j + 1].group())
            and text[tokens[j].end() : tokens[j + 1].start()] == " "
        ):
            j += 1
        yield tokens, i, j
        i = j + 1


def _previous_word(text: str, start: int) -> str:
    match = re.search(r"([^\W\d_][\w.]*)\s+$", text[max(0, start - 30) : start])
    return match.group(1) if match else ""


def _classify(text, segment, titled, words, propose) -> None:
    # A leading common word ("The Rhondda", "So Mair") is not part of the name.
    while segment and segment[0].group() in words["common"]:
        segment = segment[1:]
    if not segment:
        return
    parts = [t.group() for t in segment]
    run = " ".join(parts)
    previous = _previous_word(text, segment[0].start())
    at_start = _sentence_start(text, segment[0].start())
    if titled:
        propose(run, "person", "title")
    elif len(parts) > 1 and parts[-1] in words["organisation_words"]:
        propose(run, "organisation", "organisation")
    elif run in words["places"] or parts[0] in words["places"]:
        propose(run, "place", "list")
    elif previous.lower() in words["place_words"] and not at_start:
        propose(run, "place", "after")
    elif parts[0] in words["first_names"]:
        propose(run, "person", "list")
    elif not at_start:
        propose(run, "other", "capital")
    elif len(parts) > 1:
        # "Mae Gareth..." at a sentence start: the words after the first may still be a name.
        _classify(text, segment[1:], False, words, propose)


def find(texts, speakers=(), existing=()) -> list[Candidate]:
    """Candidates across `texts` (name, text) pairs and speaker labels, most frequent first.
    `existing` are replacement counts already in the key, so suggestions continue the numbering."""
    words = lists()
    found: dict[str, Candidate] = {}

    def propose(name: str, kind: str, reason: str):
        name = re.sub(r"[’']s$", "", name.strip(" ’'-."))
        if len(name) < 2 or name in words["common"] or IDENTIFIER_LIKE.match(name):
            return
        candidate = found.setdefault(name, Candidate(text=name, kind=kind))
        # A stronger reason (title, place word, list) decides the kind over a bare capital.
        if candidate.kind == "other" and kind != "other":
            candidate.kind = kind
        candidate.reasons.add(reason)

    for label in speakers:
        inner = re.search(r"\(([^)]+)\)", label)
        name = inner.group(1) if inner else label
        if name.split()[0] in words["role_labels"] if name.split() else True:
            continue
        propose(name, "person", "speaker")

    for _name, text in texts:
        for tokens, i, j in _runs(text):
            if _in_brackets(text, tokens[i].start()):
                continue
            # Split the run at titles: "Mae Dr Jones" is a sentence's first word, then a name.
            segments, current, titled = [], [], False
            for token in tokens[i : j + 1]:
                if token.group().rstrip(".") in words["titles"]:
                    if current:
                        segments.append((current, titled))
                    current, titled = [], True
                else:
                    current.append(token)
            if current:
                segments.append((current, titled))
            for segment, titled in segments:
                _classify(text, segment, titled, words, propose)

    if not found:
        return []
    pattern = word_pattern(found)
    for source_name, text in texts:
        for match in pattern.finditer(text):
            candidate = found[match.group()]
            candidate.count += 1
            if not candidate.context:
                a, b = max(0, match.start() - SNIPPET), min(len(text), match.end() + SNIPPET)
                snippet = text[a:b].replace("\n", " ")
                candidate.context = ("…" if a else "") + snippet + ("…" if b < len(text) else "")
                candidate.source = source_name
    result = [c for c in found.values() if c.count or "speaker" in c.reasons]
    result.sort(key=lambda c: (-c.count, c.text))
    numbers = dict(existing)
    for candidate in result:
        numbers[candidate.kind] = numbers.get(candidate.kind, 0) + 1
        candidate.suggestion = f"[{KIND_LABELS[candidate.kind]} {numbers[candidate.kind]}]"
    return result


@dataclass
class Replaced:
    """A text after replacement, and how to move offsets of the old text into the new one."""

    text: str
    counts: dict
    # (old start, old end, new start, new end) of every replaced match, in order.
    spans: list

    def __post_init__(self):
        self._starts = [span[0] for span in self.spans]

    def _locate(self, offset: int):
        index = bisect.bisect_right(self._starts, offset) - 1
        return index, (self.spans[index] if index >= 0 else None)

    def start(self, offset: int) -> int:
        """A start inside a replaced name moves to the start of its replacement."""
        index, span = self._locate(offset)
        if span is None:
            return offset
        old_start, old_end, new_start, new_end = span
        if offset < old_end:
            return new_start
        return new_end + (offset - old_end)

    def end(self, offset: int) -> int:
        """An end inside a replaced name moves to the end of its replacement, so a coding that
        covered part of a name covers all of the replacement."""
        index, span = self._locate(offset - 1) if offset > 0 else (-1, None)
        if span is None:
            return offset
        old_start, old_end, new_start, new_end = span
        if offset <= old_end:
            return new_end
        return new_end + (offset - old_end)


def replace(text: str, pattern: re.Pattern | None, mapping: dict[str, str]) -> Replaced:
    """One pass over the text, so a replacement is never itself replaced."""
    if pattern is None or not text:
        return Replaced(text=text, counts={}, spans=[])
    out, spans, counts = [], [], {}
    position = new_position = 0
    for match in pattern.finditer(text):
        out.append(text[position : match.start()])
        new_position += match.start() - position
        replacement = mapping[match.group()]
        out.append(replacement)
        spans.append((match.start(), match.end(), new_position, new_position + len(replacement)))
        new_position += len(replacement)
        position = match.end()
        counts[match.group()] = counts.get(match.group(), 0) + 1
    out.append(text[position:])
    return Replaced(text="".join(out), counts=counts, spans=spans)
