"""Words, queries and snippets for search, the same on every database: folding, the query syntax
(read by `parse`), highlighting, and the TF-IDF weighting of "find similar". No database here.

A word is a run of letters and digits; each is folded in Python (accents removed after NFKD,
then case-folded), so "tŷ", "Tŷ" and "ty" match, as do "café" and "cafe". There is no stemming
and there are no stop words: stemming is language-specific and would be wrong for Welsh.

Query syntax: words, all of which must appear; "a phrase" in double quotes; prefix* (two letters
or more); OR between two terms. Anything else in what people type (stray quotes, brackets,
hyphens, colons, AND, NOT, NEAR) is read as plain text and is never an error.
"""

import hashlib
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from markupsafe import Markup, escape

# Letters and digits, with any combining accents that follow them (decomposed text).
WORD = re.compile(
    r"(?:[^\W_]|[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f])+"
)
# Longer "words" are not language (PostgreSQL ignores lexemes over 2 kB anyway).
MAX_WORD = 100
# How much of a query is read: enough for any real search, and bounded work for the database.
MAX_QUERY = 500
MAX_TERMS = 16
MAX_PHRASE = 12
SNIPPET = 300

# Every combining mark (accents once decomposed), to be deleted with str.translate.
_COMBINING = dict.fromkeys(c for c in range(0x30000) if unicodedata.combining(chr(c)))


def fold(text: str) -> str:
    """Accents removed and case folded: "Tŷ Siân" → "ty sian"."""
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFKD", text).translate(_COMBINING).casefold()


def _fold(token: str) -> list[str]:
    # Compatibility forms can decompose into separators ("½" → "1⁄2"): keep the word parts.
    return [w for w in WORD.findall(fold(token)) if len(w) <= MAX_WORD]


def words(text: str) -> list[tuple[str, int, int]]:
    """(folded word, start, end) for each word of `text`, offsets into `text`."""
    out = []
    for match in WORD.finditer(text):
        for word in _fold(match.group()):
            out.append((word, match.start(), match.end()))
    return out


def _body(text: str) -> str:
    """The words of a passage as the index holds them (the same words as `words` finds)."""
    return " ".join(w for w in WORD.findall(fold(text)) if len(w) <= MAX_WORD)


def _digest(text: str) -> int:
    return int.from_bytes(
        hashlib.blake2b(text.encode(), digest_size=8).digest(), "big", signed=True
    )


# -- Queries ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """A word or a phrase (words in a row); `prefix` lets its last word be the start of a word."""

    words: tuple[str, ...]
    prefix: bool = False

    def fts(self) -> str:
        # Only letters and digits reach here, so quoting makes every term a plain FTS5 string.
        return '"' + " ".join(self.words) + '"' + (" *" if self.prefix else "")

    def tsquery(self) -> str:
        parts = [f"'{w}'" for w in self.words]
        if self.prefix:
            parts[-1] += ":*"
        return " <-> ".join(parts)


@dataclass
class Query:
    """All clauses must match; a clause matches when any of its terms does."""

    clauses: list[list[Term]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.clauses)

    @property
    def terms(self) -> list[Term]:
        return [t for clause in self.clauses for t in clause]

    def fts(self, study_id: int) -> str:
        body = " AND ".join("(" + " OR ".join(t.fts() for t in c) + ")" for c in self.clauses)
        return f'study : "s{study_id}" AND body : ({body})'

    def tsquery(self) -> str:
        return " & ".join("(" + " | ".join(t.tsquery() for t in c) + ")" for c in self.clauses)

    def matches(self, word: str) -> bool:
        """Whether a folded word of a passage is one the query looks for (for highlighting)."""
        for term in self.terms:
            if word in term.words[:-1] or word == term.words[-1]:
                return True
            if term.prefix and word.startswith(term.words[-1]):
                return True
        return False


QUERY_ITEM = re.compile(r'"([^"]*)"?|([^\s"]+)')
OR_WORDS = {"OR", "|"}
AND_WORDS = {"AND", "&", "+"}


def parse(text: str) -> Query:
    """What someone typed in the search box, as a Query (empty if it has no words)."""
    items: list = []
    for match in QUERY_ITEM.finditer((text or "")[:MAX_QUERY]):
        quoted, bare = match.group(1), match.group(2)
        if bare in OR_WORDS:
            items.append("OR")
            continue
        if bare in AND_WORDS:
            continue
        raw = quoted if quoted is not None else bare
        found = tuple(w for w, _s, _e in words(raw))[:MAX_PHRASE]
        if not found:
            continue
        # One-letter prefixes would match most of the index: they are read as whole words.
        prefix = raw.rstrip().endswith("*") and len(found[-1]) >= 2
        items.append(Term(found, prefix))
    query = Query()
    joining = False
    for item in items:
        if item == "OR":
            joining = bool(query.clauses)
            continue
        if len(query.terms) >= MAX_TERMS:
            break
        if joining:
            query.clauses[-1].append(item)
        else:
            query.clauses.append([item])
        joining = False
    return query


def _passages(text: str, turns) -> list[tuple[int, int, int | None, int]]:
    """(start, end, turn id, block) of each passage: the transcript page's blocks (turns, and
    text between them that is not only white space) or, without turns, the paragraphs."""
    if not turns:
        out = []
        for match in re.finditer(r"[^\n]+", text):
            if match.group().strip():
                out.append((match.start(), match.end(), None, 0))
        return out
    out = []
    position = 0
    for turn in turns:
        if text[position : turn.start].strip():
            out.append((position, turn.start, None, len(out)))
        out.append((turn.start, turn.end, turn.pk, len(out)))
        position = turn.end
    if text[position:].strip():
        out.append((position, len(text), None, len(out)))
    return out


def snippet(text: str, matches, limit: int = SNIPPET) -> Markup:
    """The passage (or the part of it around the first match) with matched words in <mark>."""
    spans = [(s, e) for w, s, e in words(text) if matches(w)]
    begin, end = 0, len(text)
    if end > limit:
        first = spans[0][0] if spans else 0
        begin = max(0, first - limit // 4)
        if begin:
            space = text.rfind(" ", 0, begin)
            begin = space + 1 if space >= 0 and begin - space < 30 else begin
        end = min(len(text), begin + limit)
        if end < len(text):
            space = text.rfind(" ", begin, end)
            end = space if space > begin + limit // 2 else end
    out = [Markup("…") if begin else Markup("")]
    position = begin
    for s, e in spans:
        if s < position or e > end:
            continue
        out.append(escape(text[position:s]))
        out.append(Markup("<mark>") + escape(text[s:e]) + Markup("</mark>"))
        position = e
    out.append(escape(text[position:end]))
    if end < len(text):
        out.append(Markup("…"))
    return Markup("").join(out)


def tfidf_cosines(text: str, others: list[str]) -> list[float]:
    """Cosine similarity of `text` to each of `others` under TF-IDF fitted on all of them:
    sublinear tf (1 + ln n), smoothed idf (ln((1 + N) / (1 + df)) + 1), each vector of unit
    length; the weighting scikit-learn's TfidfVectorizer(sublinear_tf=True) uses. Written out
    because it is a few hundred short passages at most, and importing scikit-learn for it cost
    the first "find similar" of every server process about 2 s."""
    bags = [Counter(_body(t).split()) for t in [text, *others]]
    df = Counter(word for bag in bags for word in bag)
    n = len(bags)
    idf = {word: math.log((1 + n) / (1 + count)) + 1 for word, count in df.items()}
    vectors = []
    for bag in bags:
        weights = {w: (1 + math.log(c)) * idf[w] for w, c in bag.items()}
        norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
        vectors.append({w: v / norm for w, v in weights.items()})
    query = vectors[0]
    return [sum(v * query.get(w, 0.0) for w, v in vec.items()) for vec in vectors[1:]]
