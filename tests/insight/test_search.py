"""Search: the query parser, the index (kept by the actions that add sources), hits with
highlighted snippets, filters by participant attribute, code and coder, "find similar passages",
the rebuild command and task, and the two pages."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from coproduce.core.models import AuditEvent
from coproduce.insight import actions, search
from coproduce.insight.models import SearchPassage, StudyRole
from coproduce.insight.search import Term

from .sweep import build

# Engine-specific: also runs in the PostgreSQL pass (tests/test_suite_rules.py).
pytestmark = pytest.mark.postgres

WELSH = (
    "Cyfwelydd: Sut oedd y gwasanaeth?\n"
    'P02: Roedd y tŷ yn oer. Co-production "matters" (really) * AND more, meddai Siân.\n'
)
NOTES = "Field notes about the café.\n\nNobody came to the second meeting.\n"


@pytest.fixture
def objects(world):
    objects = build(world)
    study = objects["study"]
    actions.define_attribute(by=None, study=study, name="gender", special_category=True)
    p02 = actions.add_participant(
        by=None,
        study=study,
        identifier="P02",
        attributes={"sample_group": "Staff", "role": "nurse", "gender": "Woman"},
    )
    objects["p02"] = p02
    objects["welsh"] = actions.add_source(
        by=None,
        study=study,
        name="Cyfweliad P02",
        text=WELSH,
        turns=[("Cyfwelydd", 0, 33), ("P02", 34, len(WELSH) - 1)],
    )
    objects["notes"] = actions.add_source(
        by=None, study=study, name="Nodiadau", text=NOTES, kind="document", participants=[p02]
    )
    return objects


def _found(study, query, **filters):
    hits, total = search.search(study, query, **filters)
    return [(h.source_name, h.start, h.end) for h in hits], total


# -- Parsing ------------------------------------------------------------------------------------


def test_parse_words_phrases_prefixes_and_or():
    query = search.parse('"care home" nurs* OR doctor AND tŷ co-production')
    assert query.clauses == [
        [Term(("care", "home"))],
        [Term(("nurs",), prefix=True), Term(("doctor",))],
        [Term(("ty",))],
        [Term(("co", "production"))],
    ]


def test_parse_syntax_characters_are_plain_text():
    assert search.parse('" * ( ) : ^ - OR AND NEAR(a b) "unterminated').clauses == [
        [Term(("or", "and", "near", "a", "b"))],
        [Term(("unterminated",))],
    ]
    assert search.parse("( ) : ^ - NEAR(a b)").clauses == [[Term(("near", "a"))], [Term(("b",))]]
    assert not search.parse("* ( ) : ^ - OR AND")
    assert not search.parse("")


def test_parse_one_letter_prefix_is_a_whole_word():
    assert search.parse("a*").clauses == [[Term(("a",))]]


def test_query_fts_and_tsquery_strings():
    query = search.parse('"care home" nurs* OR doctor')
    assert query.fts(7) == ('study : "s7" AND body : (("care home") AND ("nurs" * OR "doctor"))')
    assert query.tsquery() == "('care' <-> 'home') & ('nurs':* | 'doctor')"


def test_words_folds_accents_and_case_keeping_offsets():
    assert search.words("Tŷ CAFÉ don’t") == [
        ("ty", 0, 2),
        ("cafe", 3, 7),
        ("don", 8, 11),
        ("t", 12, 13),
    ]


# -- Searching ----------------------------------------------------------------------------------


def test_search_exact_hits_with_highlighted_snippets(objects):
    study = objects["study"]
    hits, total = search.search(study, "nobody")
    assert total == 2
    assert [(h.source_name, h.start, h.end, h.block) for h in hits] == [
        ("Interview P01", 25, 61, 1),
        ("Nodiadau", 29, 63, 0),
    ]
    assert str(hits[0].snippet) == "P01: <mark>Nobody</mark> listened to me at first."
    assert hits[0].participant == "P01"
    assert hits[0].speaker == "P01"
    assert hits[1].participant == "P02"


def test_search_welsh_without_accents_finds_accented_words(objects):
    study = objects["study"]
    for query in ("ty", "TŶ", "sian", "Siân"):
        found, total = _found(study, query)
        assert found == [("Cyfweliad P02", 34, len(WELSH) - 1)], query
    hits, _total = search.search(study, "ty sian")
    assert "<mark>tŷ</mark>" in hits[0].snippet
    assert "<mark>Siân</mark>" in hits[0].snippet
    assert _found(study, "cafe")[1] == 1


def test_search_escapes_html_in_snippets(objects):
    study = objects["study"]
    hits, _total = search.search(study, "matters")
    assert "&#34;<mark>matters</mark>&#34;" in str(hits[0].snippet)


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '""',
        "*",
        "**",
        '"unterminated',
        "AND",
        "OR",
        "NOT",
        "NEAR",
        "(",
        ")",
        "(really)",
        "co-production",
        "-co",
        "body:roedd",
        'study : "s1"',
        "^roedd",
        "roedd AND OR NOT",
        "{body}",
        "'",
        "\\",
        "%",
        "_",
        "a" * 600,
        "x" * 150,
        "\x00",
        "🙂",
    ],
)
def test_search_syntax_characters_never_error(objects, query):
    hits, total = search.search(objects["study"], query)
    assert total == len(hits)


def test_search_syntax_characters_read_as_words(objects):
    study = objects["study"]
    welsh = [("Cyfweliad P02", 34, len(WELSH) - 1)]
    assert _found(study, "co-production") == (welsh, 1)
    assert _found(study, '"matters"') == (welsh, 1)
    assert _found(study, "(really)") == (welsh, 1)
    assert _found(study, "roedd AND more") == (welsh, 1)
    assert _found(study, "production co") == (welsh, 1)
    assert _found(study, '"production co"') == ([], 0)


def test_search_phrase_prefix_and_or(objects):
    study = objects["study"]
    interview = ("Interview P01", 25, 61)
    assert _found(study, '"listened to me"') == ([interview], 1)
    assert _found(study, '"me listened"') == ([], 0)
    assert _found(study, "listen*") == ([interview], 1)
    assert _found(study, "listen") == ([], 0)
    assert _found(study, "oer OR listened")[1] == 2
    hits, _total = search.search(study, "listen*")
    assert "<mark>listened</mark>" in hits[0].snippet


def test_search_is_confined_to_the_study(objects, world):
    other = actions.create_study(by=None, organisation=world["org"], title="Other", slug="other")
    actions.add_source(by=None, study=other, name="Elsewhere", text="Nobody listened here.")
    assert _found(objects["study"], "nobody")[1] == 2
    assert _found(other, "nobody") == ([("Elsewhere", 0, 21)], 1)
    assert _found(other, f"s{objects['study'].pk}") == ([], 0)


def test_search_pages(objects):
    study = objects["study"]
    first, total = search.search(study, "nobody", limit=1)
    second, _ = search.search(study, "nobody", limit=1, offset=1)
    assert total == 2
    assert [h.source_name for h in first + second] == ["Interview P01", "Nodiadau"]
    assert search.search(study, "nobody", offset=5) == ([], 2)


# -- Filters ------------------------------------------------------------------------------------


def test_search_participant_filters(objects):
    study = objects["study"]
    assert _found(study, "nobody", participant_filters={"sample_group": "Public"}) == (
        [("Interview P01", 25, 61)],
        1,
    )
    # Outside speaker turns a passage is attributed to the source's participants.
    assert _found(study, "nobody", participant_filters={"sample_group": "Staff"}) == (
        [("Nodiadau", 29, 63)],
        1,
    )
    assert _found(study, "nobody", participant_filters={"role": "nurse", "gender": "Woman"})[1] == 1
    assert _found(study, "nobody", participant_filters={"sample_group": "Nobody"})[1] == 0
    assert _found(study, "nobody", participant_filters={"no_such": "x"})[1] == 0
    assert _found(study, "nobody", participant_filters={"sample_group": ""})[1] == 2


def test_search_filters_follow_speaker_links_made_later(objects):
    study, p02 = objects["study"], objects["p02"]
    actions.link_turns(by=None, source=objects["welsh"], speaker="Cyfwelydd", participant=p02)
    assert _found(study, "gwasanaeth", participant_filters={"role": "nurse"})[1] == 1


def test_search_code_and_coder_filters(objects, world):
    study, code = objects["study"], objects["code"]
    member = actions.coder_for(study=study, person=world["member"])
    other = actions.coder_for(study=study, name="Imported coder")
    assert _found(study, "nobody", code_ids=[code.pk]) == ([("Interview P01", 25, 61)], 1)
    assert _found(study, "nobody", coder_ids=[member.pk])[1] == 1
    assert _found(study, "nobody", coder_ids=[other.pk])[1] == 0
    assert _found(study, "nobody", code_ids=[code.pk], coder_ids=[other.pk])[1] == 0
    unused = study.codes.exclude(pk=code.pk).first()
    assert _found(study, "nobody", code_ids=[unused.pk])[1] == 0


def test_filter_choices_hide_special_category_attributes(objects):
    study = objects["study"]
    everything = search.filter_choices(study, include_special=True)
    assert [(a["name"], a["values"]) for a in everything] == [
        ("role", ["nurse", "patient"]),
        ("sample_group", ["Public", "Staff"]),
        ("gender", ["Woman"]),
    ]
    plain = search.filter_choices(study, include_special=False)
    assert [a["name"] for a in plain] == ["role", "sample_group"]


def test_search_query_count_does_not_grow_with_hits(objects, django_assert_max_num_queries):
    study = objects["study"]
    for i in range(30):
        actions.add_source(
            by=None,
            study=study,
            name=f"Extra {i:02d}",
            text=f"Nobody came {i}.\n\nNobody at all.\n",
            participants=[objects["p02"]],
        )
    with django_assert_max_num_queries(5):
        hits, total = search.search(study, "nobody", participant_filters={"role": "nurse"})
    assert total == 61
    assert len(hits) == 25


# -- Keeping the index --------------------------------------------------------------------------


def test_add_source_indexes_its_passages(objects):
    source = objects["welsh"]
    assert list(
        SearchPassage.objects.filter(source=source).values_list("block", "start", "end", "turn")
    ) == [
        (0, 0, 33, source.turns.get(index=0).pk),
        (1, 34, len(WELSH) - 1, source.turns.get(index=1).pk),
    ]
    assert list(
        SearchPassage.objects.filter(source=objects["notes"]).values_list("start", "end")
    ) == [(0, 27), (29, 63)]


def test_blocks_between_turns_are_passages(objects):
    study = objects["study"]
    text = "Preamble here.\nA: hello there\nB: goodbye\n"
    source = actions.add_source(
        by=None, study=study, name="Gaps", text=text, turns=[("A", 15, 29), ("B", 30, 40)]
    )
    assert list(
        SearchPassage.objects.filter(source=source).values_list("block", "start", "end")
    ) == [(0, 0, 15), (1, 15, 29), (2, 30, 40)]
    hits, _total = search.search(study, "goodbye")
    assert (hits[0].block, hits[0].speaker) == (2, "B")


def test_remove_and_rebuild(objects):
    study = objects["study"]
    search.remove_sources([objects["notes"].pk])
    assert _found(study, "nobody")[1] == 1
    assert search.rebuild(study) == 6
    assert _found(study, "nobody")[1] == 2


def test_changed_text_leaves_no_visible_orphans(objects, django_capture_on_commit_callbacks):
    study, notes = objects["study"], objects["notes"]
    # A source changed before it was unindexed: its old words must not be found.
    notes.text = "Somebody came.\n"
    notes.save(update_fields=["text"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        search.index_sources([notes.pk])
    assert _found(study, "somebody") == ([("Nodiadau", 0, 14)], 1)
    assert _found(study, "nobody") == ([("Interview P01", 25, 61)], 1)
    if connection.vendor == "sqlite":
        # The old entries are cleared by compacting the whole index in the background.
        assert len(callbacks) == 1
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM insight_search_fts WHERE insight_search_fts MATCH 'nobody'"
            )
            assert cursor.fetchone()[0] == 1
    assert _found(study, "somebody")[1] == 1


def test_rebuild_command_and_task(objects, capsys):
    study = objects["study"]
    call_command("rebuild_search_index", "--study", study.slug)
    assert capsys.readouterr().out == "6 passage(s) indexed.\n"
    from coproduce.insight.search.tasks import rebuild_search_index

    result = rebuild_search_index.enqueue(study.pk)
    assert result.return_value == 6
    call_command("rebuild_search_index")
    assert capsys.readouterr().out == "6 passage(s) indexed.\n"
    assert _found(study, "nobody")[1] == 2


def test_rebuild_command_unknown_study(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No study with the short name 'nope'"):
        call_command("rebuild_search_index", "--study", "nope")


# -- Similar passages ---------------------------------------------------------------------------


def test_similar_ranks_shared_distinctive_words_first(objects):
    study = objects["study"]
    text = (
        "The pharmacist said the prescription backlog and dosette trays took all week.\n"
        "Dosette trays and the prescription backlog again, the pharmacist said.\n"
        "The pharmacist was kind.\n"
        "Nothing about medicines here at all, the weather was fine.\n"
    )
    source = actions.add_source(by=None, study=study, name="Pharmacy", text=text)
    hits = search.similar(study, source, 0, 77)
    # Beyond the passages that share its distinctive words, the tail depends on how common each
    # word is, which SQLite estimates over every study and PostgreSQL counts in this one.
    assert [(h.source_name, h.start) for h in hits[:3]] == [
        ("Pharmacy", 78),
        ("Pharmacy", 149),
        ("Pharmacy", 174),
    ]
    assert hits[0].score > hits[1].score > hits[2].score > 0
    assert str(hits[0].snippet).startswith("<mark>Dosette</mark> <mark>trays</mark>")


def test_similar_with_no_words(objects):
    assert search.similar(objects["study"], objects["notes"], 27, 29) == []


# -- Pages --------------------------------------------------------------------------------------


def test_search_page_lists_hits(objects, client_for, world):
    study = objects["study"]
    client = client_for(world["member"])
    before = AuditEvent.objects.count()
    response = client.get(reverse("insight:search", args=[study.slug]), {"q": "nobody"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "2 passages found." in html
    assert "P01: <mark>Nobody</mark> listened to me at first." in html
    similar = reverse("insight:similar", args=[study.slug, objects["source"].pk])
    assert f'href="{similar}?start=25&amp;end=61"' in html
    source_url = reverse("insight:source", args=[study.slug, objects["source"].pk])
    assert f'href="{source_url}#turn-1"' in html
    assert AuditEvent.objects.count() == before


def test_search_page_filters_and_special_attributes(objects, client_for, world):
    study = objects["study"]
    url = reverse("insight:search", args=[study.slug])
    response = client_for(world["member"]).get(url, {"q": "nobody", "attr_sample_group": "Staff"})
    html = response.content.decode()
    assert "1 passage found." in html
    assert 'name="attr_gender"' in html
    actions.set_member(by=None, study=study, person=world["outsider"], role=StudyRole.VIEWER)
    response = client_for(world["outsider"]).get(url, {"q": "nobody", "attr_gender": "Woman"})
    html = response.content.decode()
    assert 'name="attr_gender"' not in html
    # A special-category filter from someone not allowed to see it is ignored.
    assert "2 passages found." in html


def test_search_page_code_filter_and_bad_values(objects, client_for, world):
    study = objects["study"]
    url = reverse("insight:search", args=[study.slug])
    client = client_for(world["member"])
    response = client.get(url, {"q": "nobody", "code": objects["code"].pk})
    assert "1 passage found." in response.content.decode()
    response = client.get(url, {"q": "nobody", "code": "999999", "page": "x"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    response = client.get(url, {"q": '"(*', "page": "99"})
    assert "No passages found." in response.content.decode()


def test_search_page_without_query(objects, client_for, world):
    response = client_for(world["member"]).get(
        reverse("insight:search", args=[objects["study"].slug])
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="status"' not in html


def test_search_page_refused_outside_the_team(objects, client_for, world):
    url = reverse("insight:search", args=[objects["study"].slug])
    response = client_for(world["outsider"]).get(url, {"q": "nobody"})
    assert response.status_code in (403, 404)
    assert b"Nobody" not in response.content


def test_similar_page(objects, client_for, world):
    study = objects["study"]
    url = reverse("insight:similar", args=[study.slug, objects["source"].pk])
    response = client_for(world["member"]).get(url, {"start": 25, "end": 61})
    html = response.content.decode()
    assert response.status_code == 200
    assert "P01: Nobody listened to me at first." in html
    assert "1 passage found." in html
    assert "<mark>Nobody</mark> came <mark>to</mark> the second meeting." in html
    assert "18% similar" in html


def test_similar_page_bad_span_and_other_study(objects, client_for, world):
    study = objects["study"]
    client = client_for(world["member"])
    url = reverse("insight:similar", args=[study.slug, objects["source"].pk])
    for params in ({}, {"start": "5", "end": "2"}, {"start": "0", "end": "99999"}, {"start": "x"}):
        response = client.get(url, params)
        assert response.status_code == 200
        assert "Choose a passage first" in response.content.decode()
    other = actions.create_study(by=None, organisation=world["org"], title="Other", slug="other")
    response = client.get(reverse("insight:similar", args=[other.slug, objects["source"].pk]))
    assert response.status_code in (403, 404)


def test_similar_page_refused_outside_the_team(objects, client_for, world):
    url = reverse("insight:similar", args=[objects["study"].slug, objects["source"].pk])
    response = client_for(world["outsider"]).get(url, {"start": 25, "end": 61})
    assert response.status_code in (403, 404)
    assert b"Nobody" not in response.content


def test_index_sources_refreshes_planner_statistics_after_a_large_import(objects, monkeypatch):
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(search.index, "ANALYZE_AFTER", 1)
    with CaptureQueriesContext(connection) as queries:
        made = search.index_sources([objects["welsh"].pk])
    analysed = [q["sql"] for q in queries if q["sql"].startswith("ANALYZE")]
    assert made == 2
    if connection.vendor == "postgresql":
        assert analysed == ["ANALYZE insight_searchpassage"]
    else:
        assert analysed == []


def test_search_pages_stop_at_the_count_limit(objects, monkeypatch):
    # Past COUNT_LIMIT the total reads "more than" and only the first COUNT_LIMIT are listed.
    monkeypatch.setattr(search.index, "COUNT_LIMIT", 1)
    study = objects["study"]
    first, total = search.search(study, "nobody", limit=1)
    assert (total, [h.source_name for h in first]) == (2, ["Interview P01"])
    assert search.search(study, "nobody", limit=1, offset=1) == ([], 2)


@pytest.mark.django_db(transaction=True)
def test_vacuum_search_index_runs_on_postgresql_only():
    from coproduce.insight.search.tasks import vacuum_search_index

    assert vacuum_search_index.call() is (connection.vendor == "postgresql")


def test_large_indexing_queues_the_vacuum_task(
    objects, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(search.index, "ANALYZE_AFTER", 1)
    with django_capture_on_commit_callbacks() as callbacks:
        search.index_sources([objects["welsh"].pk])
    queued = 1 if connection.vendor == "postgresql" else 0
    assert len(callbacks) == queued


def test_search_backend_is_the_databases_own():
    from coproduce.insight.search import postgresql, sqlite

    expected = postgresql if connection.vendor == "postgresql" else sqlite
    assert search.backend() is expected


def test_tfidf_cosines_match_scikit_learn():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import linear_kernel

    text = "Dosette trays and the prescription backlog, dosette trays again."
    others = [
        "The prescription backlog took all week.",
        "Tŷ gofal: dosette trays.",
        "Nothing in common here.",
        "",
    ]
    vectorizer = TfidfVectorizer(analyzer=lambda t: search.text._body(t).split(), sublinear_tf=True)
    matrix = vectorizer.fit_transform([text, *others])
    expected = linear_kernel(matrix[0:1], matrix[1:]).ravel().tolist()
    assert search.tfidf_cosines(text, others) == pytest.approx(expected, abs=1e-12)
    assert search.tfidf_cosines(text, others)[2:] == [0.0, 0.0]
