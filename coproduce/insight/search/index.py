"""Full-text search across a study's sources, and "find similar passages".

What is indexed are passages (SearchPassage rows). A source with speaker turns is cut exactly as
the transcript page shows it (each turn, and any text between turns), so a hit can link to
#turn-N there; a source without turns is cut into paragraphs (its non-blank lines). A passage
row holds only offsets: its text is `source.text[start:end]`, stored once, in the source.

Words are matched the same way on both databases. A word is a run of letters and digits; each is
folded in Python (accents removed after NFKD, then case-folded), so "tŷ", "Tŷ" and "ty" match,
as do "café" and "cafe". There is no stemming and there are no stop words (PostgreSQL's 'simple'
configuration): stemming is language-specific and would be wrong for Welsh, and accent folding is
done here rather than with the unaccent extension, which needs a database superuser.

The index itself:
- SQLite (the embedded default): the contentless FTS5 table insight_search_fts(study, body),
  rowid = passage id, made by migration 0003. `study` holds one token ("s<id>") so a query is
  confined to one study inside FTS5; `body` holds the folded words. A contentless table keeps
  only the index, never the text, but forgetting a row needs the exact words it indexed. Each
  passage therefore keeps a digest of its text: a passage whose source changed before it was
  unindexed leaves orphan index entries, which no query can return (every query joins to the
  live passages) and which a background task (search_tasks.compact_search_index) clears.
- PostgreSQL: SearchPassage.vector, to_tsvector('simple', folded words), with a GIN index.

Query syntax (read by `parse`): words, all of which must appear; "a phrase" in double quotes;
prefix* (two letters or more); OR between two terms. Anything else in what people type (stray
quotes, brackets, hyphens, colons, AND, NOT, NEAR) is read as plain text and is never an error.

Results are listed in index order, not by relevance: source by source in the order the sources
were indexed (added, or last changed), each in reading order. People coding transcripts want
every occurrence, source by source; and index order lets a page, and the total (counted exactly
up to COUNT_LIMIT), stop after the matches it needs, where ranking or sorting by name would have
to look at every match: tens of thousands for a common word in 10,000 sources. "Find similar"
does rank.
"""

import hashlib
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import BooleanField, Exists, F, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Substr
from markupsafe import Markup, escape

from .models import Attribute, Coding, Participant, SearchPassage, Source, Turn

__all__ = [
    "Hit",
    "Query",
    "filter_choices",
    "index_sources",
    "parse",
    "rebuild",
    "remove_sources",
    "search",
    "similar",
    "words",
]

FTS_TABLE = "insight_search_fts"
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
# Sources indexed per round trip (their texts are held in memory meanwhile).
CHUNK = 200
# PostgreSQL: indexing at least this many passages at once refreshes the planner's statistics.
ANALYZE_AFTER = 10_000
# Totals are counted exactly up to this many hits, then shown as "more than" (counting every
# passage with a common word would cost more than the rest of the page).
COUNT_LIMIT = 1_000
# "Find similar": the passage's most distinctive words searched for, how many candidates they
# may bring back to be compared in full, and how common a word may be and still count.
SIMILAR_VOCABULARY = 30
SIMILAR_TERMS = 10
SIMILAR_POOL = 200
SIMILAR_COMMON = 0.2
# How long a study's passage count is reused by "find similar".
PASSAGE_COUNT_SECONDS = 300
# Word counts stop here: counting every passage with a common word is slow and tells nothing.
SIMILAR_DF_CAP = 1_000


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


# -- The index ----------------------------------------------------------------------------------


def _vendor() -> str:
    return connection.vendor


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


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i : i + size]


@transaction.atomic
def index_sources(source_ids) -> int:
    """(Re)index these sources; returns how many passages were indexed. Called by the actions
    that add or change sources, inside their transaction."""
    # In the order given: results are listed in index order.
    source_ids = list(dict.fromkeys(source_ids))
    remove_sources(source_ids)
    made = 0
    for chunk in _chunks(source_ids, CHUNK):
        found = {
            pk: (study_id, text)
            for pk, study_id, text in Source.objects.filter(pk__in=chunk)
            .order_by()
            .values_list("pk", "study_id", "text")
        }
        turns: dict[int, list] = {}
        for turn in Turn.objects.filter(source_id__in=chunk).only("source_id", "start", "end"):
            turns.setdefault(turn.source_id, []).append(turn)
        rows, bodies = [], []
        for source_id in chunk:
            if source_id not in found:
                continue
            study_id, text = found[source_id]
            ordered = sorted(turns.get(source_id, ()), key=lambda t: (t.start, t.end))
            for start, end, turn_id, block in _passages(text, ordered):
                passage = text[start:end]
                body = _body(passage)
                if not body:
                    continue
                rows.append(
                    SearchPassage(
                        study_id=study_id,
                        source_id=source_id,
                        turn_id=turn_id,
                        block=block,
                        start=start,
                        end=end,
                        digest=_digest(passage),
                    )
                )
                bodies.append(body)
        if _vendor() == "postgresql":
            _insert_with_vectors(rows, bodies)
        else:
            SearchPassage.objects.bulk_create(rows, batch_size=500)
            _write_index(rows, bodies)
        made += len(rows)
    if made >= ANALYZE_AFTER and _vendor() == "postgresql":
        # The planner picks between the GIN index and a scan by how common it thinks a word
        # is; until the table is analysed it guesses, and after a large import those guesses
        # made common-word searches 5-20 times slower (benchmarks/insight_search.py). Autovacuum
        # would get there within minutes; this makes it true as the import commits.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {SearchPassage._meta.db_table}")
        # VACUUM cannot run inside this transaction: the worker does it once this commits.
        from .search_tasks import vacuum_search_index

        transaction.on_commit(lambda: vacuum_search_index.enqueue())
    return made


def _insert_with_vectors(rows, bodies) -> None:
    """PostgreSQL: insert the passages with their tsvectors in one statement per batch. Inserting
    first and setting the vector after would write every row twice (and leave as many dead
    rows for VACUUM): on 600,000 passages that doubled the time to index."""
    table = SearchPassage._meta.db_table
    with connection.cursor() as cursor:
        for batch in _chunks(list(zip(rows, bodies, strict=True)), 2000):
            cursor.execute(
                f'INSERT INTO {table} (study_id, source_id, turn_id, block, start, "end", digest,'
                " vector) SELECT v.study_id, v.source_id, v.turn_id, v.block, v.start, v.stop,"
                " v.digest, to_tsvector('simple', v.body) FROM unnest(%s::bigint[], %s::bigint[],"
                " %s::bigint[], %s::integer[], %s::integer[], %s::integer[], %s::bigint[],"
                " %s::text[]) AS v(study_id, source_id, turn_id, block, start, stop, digest, body)",
                [
                    [r.study_id for r, _b in batch],
                    [r.source_id for r, _b in batch],
                    [r.turn_id for r, _b in batch],
                    [r.block for r, _b in batch],
                    [r.start for r, _b in batch],
                    [r.end for r, _b in batch],
                    [r.digest for r, _b in batch],
                    [b for _r, b in batch],
                ],
            )


def _write_index(rows, bodies) -> None:
    """SQLite: the passages' words into the FTS5 table, keyed by the passage ids."""
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {FTS_TABLE}(rowid, study, body) VALUES (%s, %s, %s)",
            [(r.pk, f"s{r.study_id}", body) for r, body in zip(rows, bodies, strict=True)],
        )


@transaction.atomic
def remove_sources(source_ids) -> int:
    """Take these sources out of the index (before they are deleted or their text changes)."""
    removed = orphans = 0
    for chunk in _chunks(sorted(set(source_ids)), CHUNK):
        passages = SearchPassage.objects.filter(source_id__in=chunk)
        if _vendor() == "sqlite":
            rows = list(
                passages.order_by().values_list(
                    "pk", "study_id", "source_id", "start", "end", "digest"
                )
            )
            if not rows:
                continue
            texts = dict(Source.objects.filter(pk__in=chunk).order_by().values_list("pk", "text"))
            forget = []
            for pk, study_id, source_id, start, end, digest in rows:
                passage = texts.get(source_id, "")[start:end]
                if _digest(passage) == digest:
                    forget.append((pk, f"s{study_id}", _body(passage)))
                else:
                    orphans += 1
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, study, body) "
                    "VALUES ('delete', %s, %s, %s)",
                    forget,
                )
        removed += passages.delete()[0]
    if orphans:
        from .search_tasks import compact_search_index

        transaction.on_commit(lambda: compact_search_index.enqueue())
    return removed


@transaction.atomic
def rebuild(study=None) -> int:
    """Index a study's sources afresh, or (without a study) the whole index, which also clears
    entries left by sources whose text changed before they were unindexed."""
    if study is not None:
        return index_sources(study.sources.order_by("name").values_list("pk", flat=True))
    if _vendor() == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')")
    SearchPassage.objects.all().delete()
    made = 0
    everything = Source.objects.order_by("study", "name").values_list("pk", flat=True)
    for chunk in _chunks(list(everything), 1000):
        made += index_sources(chunk)
    return made


# -- Searching ----------------------------------------------------------------------------------


@dataclass
class Hit:
    pk: int
    source_id: int
    source_name: str
    start: int
    end: int
    block: int
    speaker: str
    participant: str
    snippet: Markup
    score: float = 0.0


def _page_ids(study, query: Query, passages, limit: int, offset: int) -> tuple[list[int], int]:
    """The ids of one page of matching passages (in index order) and the total, counted up to
    COUNT_LIMIT + 1. On SQLite the FTS5 table drives the join in rowid order, so neither the
    count nor a page has to look at more matches than it needs."""
    if _vendor() == "postgresql":
        matched = passages.filter(
            RawSQL(
                "insight_searchpassage.vector @@ to_tsquery('simple', %s)",
                [query.tsquery()],
                output_field=BooleanField(),
            )
        ).order_by()
        # One query, with no ORDER BY, for the total and the page: up to COUNT_LIMIT + 1
        # matches, in whatever order the plan finds them, then sorted here. With ORDER BY id
        # the planner walks the primary key and tests every passage whenever it overestimates
        # how many match (phrases, filtered searches): 0.4-2 s at 600,000 passages, where this
        # takes a GIN lookup for rare words and stops early for common ones. Past COUNT_LIMIT
        # the page is told "more than", and only the first COUNT_LIMIT are listed.
        found = sorted(matched.values_list("pk", flat=True)[: COUNT_LIMIT + 1])
        return found[:COUNT_LIMIT][offset : offset + limit], len(found)
    try:
        inner, params = passages.order_by().values("id").query.sql_with_params()
    except EmptyResultSet:
        return [], 0
    # CROSS JOIN keeps SQLite from reordering the join: matches are read in rowid order and
    # checked against the passages (and filters) one by one.
    join = (
        f"FROM {FTS_TABLE} CROSS JOIN ({inner}) AS live ON live.id = {FTS_TABLE}.rowid "
        f"WHERE {FTS_TABLE} MATCH %s"
    )
    params = [*params, query.fts(study.pk)]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM (SELECT 1 {join} LIMIT {COUNT_LIMIT + 1})", params)
        total = cursor.fetchone()[0]
        # As on PostgreSQL: past COUNT_LIMIT the total says "more than" and nothing is listed.
        if offset >= min(total, COUNT_LIMIT):
            return [], total
        cursor.execute(
            f"SELECT live.id {join} ORDER BY {FTS_TABLE}.rowid LIMIT %s OFFSET %s",
            [*params, min(limit, COUNT_LIMIT - offset), offset],
        )
        return [pk for (pk,) in cursor.fetchall()], total


def _participant_matches(study, name: str, value: str):
    """Passages said by a participant with this attribute value (or, outside speaker turns, in a
    source linked to one)."""
    people = Participant.objects.filter(study=study, **{f"attributes__{name}": value}).values("pk")
    linked = Source.participants.through.objects.filter(participant_id__in=people)
    return Q(turn__participant_id__in=people) | Q(
        turn__isnull=True, source_id__in=linked.values("source_id")
    )


def _filtered(passages, study, participant_filters=None, code_ids=(), coder_ids=()):
    if participant_filters:
        known = set(
            Attribute.objects.filter(study=study, name__in=list(participant_filters)).values_list(
                "name", flat=True
            )
        )
        for name, value in participant_filters.items():
            if value in (None, ""):
                continue
            if name not in known:
                # An attribute the study does not have matches nobody.
                return passages.none()
            passages = passages.filter(_participant_matches(study, name, str(value)))
    code_ids, coder_ids = list(code_ids or ()), list(coder_ids or ())
    if code_ids or coder_ids:
        codings = Coding.objects.filter(
            source_id=OuterRef("source_id"), start__lt=OuterRef("end"), end__gt=OuterRef("start")
        )
        if code_ids:
            codings = codings.filter(code_id__in=code_ids)
        if coder_ids:
            codings = codings.filter(coder_id__in=coder_ids)
        passages = passages.filter(Exists(codings))
    return passages


def _with_text(passages):
    return (
        passages.select_related("source", "turn__participant")
        .defer("source__text")
        .annotate(passage_text=Substr("source__text", F("start") + 1, F("end") - F("start")))
    )


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


def _hits(rows, matches) -> list[Hit]:
    # Passages outside speaker turns are attributed to the source's participants.
    needed = {p.source_id for p in rows if p.turn_id is None}
    linked: dict[int, list[str]] = {}
    if needed:
        through = Source.participants.through.objects.filter(source_id__in=needed)
        for source_id, identifier in through.order_by("participant__identifier").values_list(
            "source_id", "participant__identifier"
        ):
            linked.setdefault(source_id, []).append(identifier)
    hits = []
    for p in rows:
        participant = ""
        speaker = ""
        if p.turn_id is not None:
            speaker = p.turn.speaker
            participant = p.turn.participant.identifier if p.turn.participant_id else ""
        else:
            participant = ", ".join(linked.get(p.source_id, ()))
        hits.append(
            Hit(
                pk=p.pk,
                source_id=p.source_id,
                source_name=p.source.name,
                start=p.start,
                end=p.end,
                block=p.block,
                speaker=speaker,
                participant=participant,
                snippet=snippet(p.passage_text or "", matches),
                score=getattr(p, "score", 0.0),
            )
        )
    return hits


def search(
    study,
    query,
    *,
    participant_filters: dict | None = None,
    code_ids=(),
    coder_ids=(),
    limit: int = 25,
    offset: int = 0,
) -> tuple[list[Hit], int]:
    """Passages of the study matching `query` (text or a Query) and the filters, in index
    order, with the total (counted up to COUNT_LIMIT + 1)."""
    query = parse(query) if isinstance(query, str) else query
    if not query:
        return [], 0
    passages = _filtered(
        SearchPassage.objects.filter(study=study), study, participant_filters, code_ids, coder_ids
    )
    ids, total = _page_ids(study, query, passages, limit, offset)
    if not ids:
        return [], total
    rows = sorted(_with_text(SearchPassage.objects.filter(pk__in=ids)), key=lambda p: p.pk)
    return _hits(rows, query.matches), total


# -- Similar passages ---------------------------------------------------------------------------


def _document_frequencies(study, terms: list[str]) -> tuple[dict[str, int], int]:
    """How many of the study's passages have each word, counted up to SIMILAR_DF_CAP (beyond
    that a word is common, whatever its exact count), and how many passages there are."""
    # Only weights the words (and bounds how common a word may be), so a count up to a few
    # minutes old is as good; counting 600,000 passages took 35 ms of every "find similar".
    total = cache.get_or_set(
        f"insight:search:passages:{study.guid}",
        lambda: SearchPassage.objects.filter(study=study).count(),
        PASSAGE_COUNT_SECONDS,
    )
    if not terms or not total:
        return {}, total
    params = []
    if _vendor() == "sqlite":
        part = (
            f"SELECT %s, (SELECT count(*) FROM (SELECT rowid FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH %s LIMIT %s))"
        )
        for term in terms:
            params += [term, Query([[Term((term,))]]).fts(study.pk), SIMILAR_DF_CAP]
    else:
        part = (
            "SELECT %s, (SELECT count(*) FROM (SELECT 1 FROM insight_searchpassage WHERE "
            "study_id = %s AND vector @@ to_tsquery('simple', %s) LIMIT %s) s)"
        )
        for term in terms:
            params += [term, study.pk, f"'{term}'", SIMILAR_DF_CAP]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join([part] * len(terms)), params)
        return {term: n for term, n in cursor.fetchall()}, total


def _candidates(study, query: Query, exclude) -> list[int]:
    """Passage ids matching any of the query's words, best-ranked first."""
    with connection.cursor() as cursor:
        if _vendor() == "sqlite":
            cursor.execute(
                f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "
                f"ORDER BY bm25({FTS_TABLE}) LIMIT %s",
                [query.fts(study.pk), SIMILAR_POOL + len(exclude)],
            )
        else:
            cursor.execute(
                "SELECT id FROM insight_searchpassage WHERE study_id = %s AND "
                "vector @@ to_tsquery('simple', %s) ORDER BY "
                "ts_rank(vector, to_tsquery('simple', %s)) DESC LIMIT %s",
                [study.pk, query.tsquery(), query.tsquery(), SIMILAR_POOL + len(exclude)],
            )
        return [pk for (pk,) in cursor.fetchall() if pk not in exclude]


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


def similar(study, source, start: int, end: int, limit: int = 10) -> list[Hit]:
    """Passages of the study most like source.text[start:end], best first (each Hit's `score`
    is its TF-IDF cosine similarity). The passage's most distinctive words (by TF-IDF) are
    searched for with the full-text index, and the few hundred best-ranked candidates are then
    compared with it in full. (Fitting TF-IDF over every passage instead took 207 s for 10,000
    sources in benchmarks/insight_search.py: too slow for a page, and stale once cached.)"""
    text = source.text[start:end]
    counts = Counter(w for w, _s, _e in words(text))
    if not counts:
        return []
    vocabulary = [w for w, _n in counts.most_common(SIMILAR_VOCABULARY)]
    df, total = _document_frequencies(study, vocabulary)
    weights = {
        w: counts[w] * math.log((total + 1) / (df.get(w, 0) + 1)) for w in vocabulary if df.get(w)
    }
    ranked = sorted(weights, key=lambda w: (-weights[w], w))
    # In a small study every word is cheap to search for; in a large one, common words would
    # bring back most of the study.
    common = min(max(SIMILAR_COMMON * total, SIMILAR_POOL), SIMILAR_DF_CAP - 1)
    distinctive = [w for w in ranked if df[w] <= common] or ranked[:3]
    chosen = distinctive[:SIMILAR_TERMS]
    if not chosen:
        return []
    query = Query([[Term((w,)) for w in chosen]])
    # The passage itself (and any passage overlapping it in the same source) is not "similar".
    exclude = set(
        SearchPassage.objects.filter(source=source, start__lt=end, end__gt=start).values_list(
            "pk", flat=True
        )
    )
    pool = _candidates(study, query, exclude)
    if not pool:
        return []
    texts = dict(
        SearchPassage.objects.filter(study=study, pk__in=pool)
        .annotate(passage_text=Substr("source__text", F("start") + 1, F("end") - F("start")))
        .values_list("pk", "passage_text")
    )
    if not texts:
        return []
    ids = list(texts)
    scores = dict(zip(ids, tfidf_cosines(text, [texts[pk] or "" for pk in ids]), strict=True))
    ranked_ids = sorted((pk for pk in ids if scores[pk] > 0), key=lambda pk: (-scores[pk], pk))
    best = list(_with_text(SearchPassage.objects.filter(pk__in=ranked_ids[:limit])))
    for row in best:
        row.score = scores[row.pk]
    best.sort(key=lambda r: (-r.score, r.pk))
    shared = set(chosen)
    return _hits(best, lambda w: w in shared)


# -- For the search form ------------------------------------------------------------------------


def filter_choices(study, *, include_special: bool) -> list[dict]:
    """Each participant attribute with the values its participants have, for the filters:
    [{"name", "label", "values": [...]}]. Special-category attributes only if allowed."""
    attributes = list(Attribute.objects.filter(study=study))
    if not include_special:
        attributes = [a for a in attributes if not a.special_category]
    values: dict[str, set] = {a.name: set() for a in attributes}
    # Distinct combinations only: a study of 10,000 participants has few.
    combinations = Participant.objects.filter(study=study).order_by().values_list("attributes")
    for (data,) in combinations.distinct():
        for name, value in (data or {}).items():
            if name in values and value not in (None, ""):
                values[name].add(str(value))
    return [
        {"name": a.name, "label": a.label, "values": sorted(values[a.name], key=str.casefold)}
        for a in attributes
        if values[a.name]
    ]
