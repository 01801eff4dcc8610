"""Full-text search across a study's sources, and "find similar passages": the one interface,
whatever the database. The database's own part is in sqlite.py or postgresql.py (each has the
same functions; `backend()` picks one), the words and queries in text.py.

What is indexed are passages (SearchPassage rows). A source with speaker turns is cut exactly as
the transcript page shows it (each turn, and any text between turns), so a hit can link to
#turn-N there; a source without turns is cut into paragraphs (its non-blank lines). A passage
row holds only offsets: its text is `source.text[start:end]`, stored once, in the source.

Results are listed in index order, not by relevance: source by source in the order the sources
were indexed (added, or last changed), each in reading order. People coding transcripts want
every occurrence, source by source; and index order lets a page, and the total (counted exactly
up to COUNT_LIMIT), stop after the matches it needs, where ranking or sorting by name would have
to look at every match: tens of thousands for a common word in 10,000 sources. "Find similar"
does rank.
"""

import math
from collections import Counter
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Substr
from markupsafe import Markup

from ..models import Attribute, Coding, Participant, SearchPassage, Source, Turn
from . import postgresql, sqlite
from .text import Query, Term, _body, _digest, _passages, parse, snippet, tfidf_cosines, words

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


def backend():
    """The module that keeps the index on this database: sqlite or postgresql."""
    return postgresql if connection.vendor == "postgresql" else sqlite


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
    engine = backend()
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
        engine.insert(rows, bodies)
        made += len(rows)
    if made >= ANALYZE_AFTER:
        engine.after_large_index()
    return made


@transaction.atomic
def remove_sources(source_ids) -> int:
    """Take these sources out of the index (before they are deleted or their text changes)."""
    engine = backend()
    removed = orphans = 0
    for chunk in _chunks(sorted(set(source_ids)), CHUNK):
        orphans += engine.forget(chunk)
        removed += SearchPassage.objects.filter(source_id__in=chunk).delete()[0]
    if orphans:
        from .tasks import compact_search_index

        transaction.on_commit(lambda: compact_search_index.enqueue())
    return removed


def rebuild(study=None) -> int:
    """Index a study's sources afresh, or (without a study) the whole index, which also clears
    entries left by sources whose text changed before they were unindexed."""
    if study is not None:
        return index_sources(study.sources.order_by("name").values_list("pk", flat=True))
    backend().clear()
    SearchPassage.objects.all().delete()
    made = 0
    everything = Source.objects.order_by("study", "name").values_list("pk", flat=True)
    for chunk in _chunks(list(everything), 1000):
        made += index_sources(chunk)
    return made


def after_restore() -> None:
    """Index again every restored passage that needs it, keeping their ids and so the order
    results are listed in (index order); a full rebuild() would renumber them."""
    if connection.vendor not in ("sqlite", "postgresql"):
        return
    engine = backend()
    passages = engine.unindexed_passages()
    sources = sorted(set(passages.values_list("source_id", flat=True)))
    for chunk in _chunks(sources, CHUNK):
        texts = dict(Source.objects.filter(pk__in=chunk).values_list("pk", "text"))
        rows = list(
            passages.filter(source_id__in=chunk)
            .order_by("pk")
            .only("pk", "study_id", "source_id", "start", "end")
        )
        engine.reindex(rows, [_body(texts[p.source_id][p.start : p.end]) for p in rows])


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
    ids, total = backend().page_ids(study, query, passages, limit, offset, COUNT_LIMIT)
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
    return backend().document_frequencies(study, terms, SIMILAR_DF_CAP), total


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
    pool = [
        pk
        for pk in backend().candidates(study, query, SIMILAR_POOL + len(exclude))
        if pk not in exclude
    ]
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
