"""Reads for the coding pages: a transcript split into highlighted segments, the code tree with
counts, a code's passages, themes and memos. Each is a fixed number of queries, whatever the
number of codings."""

from bisect import bisect_right
from dataclasses import dataclass, field

from django.db.models import Count, F, Prefetch
from django.db.models.functions import Substr

from coproduce.core import sql

from ..models import Code, Coder, Coding, Memo, Participant, Source, Theme, Turn

EXCERPT = 90


@dataclass
class Block:
    """A speaker turn (or text between turns) with its text cut into segments at every coding
    boundary; each segment lists the codings covering it."""

    start: int
    end: int
    speaker: str = ""
    participant: str = ""
    index: int = 0
    segments: list = field(default_factory=list)
    codings: list = field(default_factory=list)


def code_tree(study, *, counts=False) -> list[tuple[Code, int]]:
    """Every code of the study in tree order, with its depth (0 for top level)."""
    codes = Code.objects.filter(study=study)
    if not counts:
        # What the code lists in forms and the coding panel show.
        codes = codes.only("pk", "study_id", "parent_id", "name", "framework_key", "order")
    else:
        codes = codes.annotate(
            n_codings=Count("codings", distinct=True),
            n_sources=Count("codings__source", distinct=True),
        )
    children = {}
    for code in codes:
        children.setdefault(code.parent_id, []).append(code)
    out = []

    def walk(parent_id, depth):
        for code in children.get(parent_id, ()):
            out.append((code, depth))
            walk(code.pk, depth + 1)

    walk(None, 0)
    # Codes whose parent is outside the study (should not happen) are still listed.
    seen = {c.pk for c, _ in out}
    out.extend((c, 0) for group in children.values() for c in group if c.pk not in seen)
    return out


# -- The coding click ------------------------------------------------------------------------
# A coder makes hundreds of codings in a sitting, each one a request that reads the source, the
# codes named, the coder, the touched turns and their codings. Those reads are plain SQL (see
# core/sql.py for why and the rules); tests/insight/test_coding_selectors.py checks them against
# the ORM.


def source_in_study(study, pk: int) -> Source | None:
    found = list(
        Source.objects.raw(
            f"SELECT * FROM {sql.table(Source)} WHERE id = %s AND study_id = %s", [pk, study.pk]
        )
    )
    return found[0] if found else None


def codes_among(study, pks) -> list[Code]:
    """The study's codes among `pks` (strings from a form; anything that is not a number, or a
    code of another study, is left out for the form to refuse)."""
    wanted = sorted({int(pk) for pk in pks if str(pk).isdigit()})
    if not wanted:
        return []
    return list(
        Code.objects.raw(
            f"SELECT id, study_id, name, colour, framework_key FROM {sql.table(Code)}"
            f" WHERE study_id = %s AND id IN ({sql.placeholders(len(wanted))}) ORDER BY id",
            [study.pk, *wanted],
        )
    )


def person_coder(study, person_id: int) -> Coder | None:
    found = list(
        Coder.objects.raw(
            f"SELECT * FROM {sql.table(Coder)} WHERE study_id = %s AND person_id = %s"
            f" ORDER BY id LIMIT 1",
            [study.pk, person_id],
        )
    )
    return found[0] if found else None


def codes_already_on(source, coder, start: int, end: int, code_ids) -> set[int]:
    """Which of these codes this coder has already put on exactly [start, end)."""
    code_ids = list(code_ids)
    if not code_ids:
        return set()
    return {
        code_id
        for (code_id,) in sql.rows(
            f"SELECT code_id FROM {sql.table(Coding)} WHERE source_id = %s AND coder_id = %s"
            f' AND start = %s AND "end" = %s AND code_id IN ({sql.placeholders(len(code_ids))})',
            [source.pk, coder.pk, start, end, *code_ids],
        )
    }


def coding_count(source, *, coder_person_id=None) -> int:
    if coder_person_id is None:
        return sql.first(
            f"SELECT COUNT(*) FROM {sql.table(Coding)} WHERE source_id = %s", [source.pk]
        )[0]
    return sql.first(
        f"SELECT COUNT(*) FROM {sql.table(Coding)} c JOIN {sql.table(Coder)} p"
        f" ON p.id = c.coder_id WHERE c.source_id = %s AND p.person_id = %s",
        [source.pk, coder_person_id],
    )[0]


def _turn_rows(source) -> list[tuple]:
    """(start, end, speaker, participant identifier) of each turn, in order."""
    return sql.rows(
        f'SELECT t.start, t."end", t.speaker, p.identifier FROM {sql.table(Turn)} t'
        f" LEFT JOIN {sql.table(Participant)} p ON p.id = t.participant_id"
        f" WHERE t.source_id = %s ORDER BY t.{sql.quote('index')}",
        [source.pk],
    )


def _coding_rows(source, *, coder_person_id=None, low=None, high=None) -> list[tuple]:
    """(pk, start, end, polarity, code id, code name, coder name, coder's person id) of the
    source's codings, optionally one person's and only those reaching into [low, high)."""
    where, params = ["c.source_id = %s"], [source.pk]
    if coder_person_id is not None:
        where.append("p.person_id = %s")
        params.append(coder_person_id)
    if low is not None:
        where.append('c.start < %s AND c."end" > %s')
        params += [high, low]
    return sql.rows(
        f'SELECT c.id, c.start, c."end", c.polarity, c.code_id, k.name, p.name, p.person_id'
        f" FROM {sql.table(Coding)} c"
        f" JOIN {sql.table(Code)} k ON k.id = c.code_id"
        f" JOIN {sql.table(Coder)} p ON p.id = c.coder_id"
        f" WHERE {' AND '.join(where)}",
        params,
    )


def _blocks(source) -> list[Block]:
    """Turns in order, plus any text between them that is not only white space. One query,
    plain values (a transcript has hundreds of turns)."""
    text = source.text
    blocks = []
    position = 0
    for start, end, speaker, participant in _turn_rows(source):
        if text[position:start].strip():
            blocks.append(Block(start=position, end=start))
        blocks.append(Block(start=start, end=end, speaker=speaker, participant=participant or ""))
        position = end
    if text[position:].strip() or not blocks:
        blocks.append(Block(start=position, end=len(text)))
    for i, block in enumerate(blocks):
        block.index = i
    return blocks


def blocks(source) -> list[Block]:
    return _blocks(source)


def segments(text: str, blocks: list[Block], codings) -> list[Block]:
    """Cut each block at every coding boundary (a sweep over the sorted boundaries, so
    O(n log n) in the number of codings). Also cut after each carriage return: the HTML parser
    turns CR LF into LF, and a tag between them keeps every character in the page."""
    codings = sorted(codings, key=lambda c: (c.start, c.end, c.pk))
    points = {0, len(text)}
    for block in blocks:
        points.update((block.start, block.end))
    for coding in codings:
        points.update((coding.start, coding.end))
    if "\r" in text:
        points.update(i + 1 for i, ch in enumerate(text) if ch == "\r")
    points = sorted(p for p in points if 0 <= p <= len(text))
    ending = {}
    for coding in codings:
        ending.setdefault(coding.end, []).append(coding)
    active = {}
    nxt = 0
    b = 0
    for a, z in zip(points, points[1:], strict=False):
        for coding in ending.get(a, ()):
            active.pop(coding.pk, None)
        while nxt < len(codings) and codings[nxt].start <= a:
            if codings[nxt].end > a:
                active[codings[nxt].pk] = codings[nxt]
            nxt += 1
        while b < len(blocks) and blocks[b].end <= a:
            b += 1
        if b < len(blocks) and blocks[b].start <= a and z <= blocks[b].end:
            blocks[b].segments.append((a, text[a:z], tuple(active.values())))
    starts = [block.start for block in blocks]
    for coding in codings:
        i = max(bisect_right(starts, coding.start) - 1, 0)
        blocks[i].codings.append(coding)
    return blocks


@dataclass(slots=True)
class Mark:
    """One coding as the transcript page shows it (plain values: a page can hold hundreds,
    and model instances with their code and coder cost several times more to build)."""

    pk: int
    start: int
    end: int
    polarity: str
    code_id: int
    code_name: str
    coder_name: str
    coder_person_id: int | None
    quote: str = ""


def transcript(source, *, coder_person_id=None, span=None) -> list[Block]:
    """The blocks of a source with their segments and codings (only one person's codings when
    `coder_person_id` is given). Two queries. With `span` (start, end), only the blocks that
    span touches, read with only the codings that reach into them: what changes after one
    coding is added or removed."""
    blocks = _blocks(source)
    affected = blocks
    low = high = None
    if span is not None:
        start, end = span
        affected = [b for b in blocks if b.start < end and start < b.end] or [
            min(blocks, key=lambda b: abs(b.start - start))
        ]
        low, high = affected[0].start, affected[-1].end
    text = source.text
    rows = _coding_rows(source, coder_person_id=coder_person_id, low=low, high=high)
    marks = [Mark(*row, quote=excerpt(text, row[1], row[2])) for row in rows]
    segments(text, blocks, marks)
    return affected


def excerpt(text: str, start: int, end: int, limit: int = EXCERPT) -> str:
    # Only the first few hundred characters are ever shown: do not split a whole transcript.
    cut = min(end, start + limit * 3)
    quote = " ".join(text[start:cut].split())
    if len(quote) <= limit and cut == end:
        return quote
    return quote[: limit - 1].rstrip() + "…"


def passages(code):
    """Every passage coded with `code`, its quote cut in the database (no whole transcripts)."""
    return (
        Coding.objects.filter(code=code)
        .select_related("source", "coder")
        .defer("source__text")
        .annotate(quote=Substr("source__text", F("start") + 1, F("end") - F("start")))
        .order_by("source__name", "start", "pk")
    )


def themes(study) -> list[Theme]:
    """Main themes, each with `subthemes` and `codes` loaded."""
    code_qs = Code.objects.only("pk", "name", "comb", "framework_key", "study_id")
    rows = list(
        Theme.objects.filter(study=study).prefetch_related(Prefetch("codes", queryset=code_qs))
    )
    by_parent = {}
    for theme in rows:
        by_parent.setdefault(theme.parent_id, []).append(theme)
    for theme in rows:
        theme.children = by_parent.get(theme.pk, [])
    return by_parent.get(None, [])


def memos(study, *, target="", target_id=None):
    qs = Memo.objects.filter(study=study).select_related(
        "author", "source", "code", "participant", "coding__code", "coding__source"
    )
    qs = qs.defer("source__text", "coding__source__text")
    if target and target_id:
        qs = qs.filter(**{f"{target}_id": target_id})
    return qs
