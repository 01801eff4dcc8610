"""Coding pages: the transcript with its highlighted segments, coding by turn or selection,
removing and re-classifying codings, the codebook and its versions, themes and memos."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from coproduce.core.models import AuditEvent
from coproduce.insight import actions
from coproduce.insight.models import (
    Code,
    CodebookVersion,
    Coding,
    Memo,
    StudyRole,
    Theme,
)
from coproduce.insight.selectors import coding as selectors

from .sweep import build

# Engine-specific: also runs in the PostgreSQL pass (tests/test_suite_rules.py).
pytestmark = pytest.mark.postgres


@pytest.fixture
def objects(world):
    return build(world)


def _post_coding(client, objects, htmx=False, **data):
    study, source = objects["study"], objects["source"]
    headers = {"HX-Request": "true"} if htmx else {}
    url = reverse("insight:coding_add", args=[study.slug, source.pk])
    return client.post(url, data, headers=headers)


# -- Segments ---------------------------------------------------------------------------------


class Span:
    def __init__(self, pk, start, end):
        self.pk, self.start, self.end = pk, start, end

    def __repr__(self):
        return f"c{self.pk}"


def _cut(text, codings, blocks=None):
    blocks = blocks or [selectors.Block(start=0, end=len(text))]
    out = selectors.segments(text, blocks, codings)
    return [[(s, t, [c.pk for c in cs]) for s, t, cs in b.segments] for b in out]


def test_segments_overlapping_and_nested_codings_cut_at_every_boundary():
    text = "abcdefghij"
    codings = [Span(1, 1, 6), Span(2, 3, 9), Span(3, 4, 5)]
    assert _cut(text, codings) == [
        [
            (0, "a", []),
            (1, "bc", [1]),
            (3, "d", [1, 2]),
            (4, "e", [1, 2, 3]),
            (5, "f", [1, 2]),
            (6, "ghi", [2]),
            (9, "j", []),
        ]
    ]


def test_segments_same_span_twice_and_touching_codings():
    codings = [Span(1, 0, 3), Span(2, 0, 3), Span(3, 3, 5)]
    assert _cut("abcde", codings) == [[(0, "abc", [1, 2]), (3, "de", [3])]]


def test_segments_non_ascii_and_emoji_count_code_points():
    text = "Café ’n’ 😀 daeth, wedyn."
    start = text.index("😀")
    codings = [Span(1, start, start + 1), Span(2, 0, 4)]
    assert _cut(text, codings) == [
        [
            (0, "Café", [2]),
            (4, " ’n’ ", []),
            (start, "😀", [1]),
            (start + 1, " daeth, wedyn.", []),
        ]
    ]
    assert start == 9


def test_segments_coding_across_two_turns_is_split_between_them():
    text = "A: one\nB: two"
    blocks = [selectors.Block(start=0, end=6), selectors.Block(start=7, end=13)]
    out = _cut(text, [Span(1, 3, 10)], blocks)
    assert out == [[(0, "A: ", []), (3, "one", [1])], [(7, "B: ", [1]), (10, "two", [])]]


def test_segments_cut_after_carriage_returns_so_the_page_keeps_every_character():
    assert _cut("a\r\nb", []) == [[(0, "a\r", []), (2, "\nb", [])]]


def test_transcript_blocks_include_text_between_turns(world):
    study = actions.create_study(by=None, organisation=world["org"], title="T", slug="t")
    text = "Preamble.\nP1: hello\n"
    source = actions.add_source(by=None, study=study, name="S", text=text, turns=[("P1", 10, 19)])
    blocks = selectors.transcript(source)
    assert [(b.start, b.end, b.speaker) for b in blocks] == [(0, 10, ""), (10, 19, "P1")]


# -- The transcript page ----------------------------------------------------------------------


def test_source_page_shows_turns_codings_and_panel(world, objects, client_for):
    study, source, coding = objects["study"], objects["source"], objects["coding"]
    response = client_for(world["member"]).get(
        reverse("insight:source", args=[study.slug, source.pk])
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-start="30">Nobody listened to me at first.</mark>' in html
    assert 'id="turn-1"' in html and 'data-start="25" data-end="61"' in html
    assert f'id="coding-{coding.pk}"' in html
    assert "Psychological capability" in html
    assert 'id="coding-panel"' in html
    # The keyboard help comes before the transcript.
    assert html.index("How to code with a keyboard") < html.index('id="turn-0"')
    assert "insight/coding.js" in html
    # The member made the coding, so they may remove it.
    assert reverse("insight:coding_remove", args=[study.slug, coding.pk]) in html


def test_source_page_only_mine_hides_other_coders(world, objects, client_for):
    study, source = objects["study"], objects["source"]
    response = client_for(world["cochair"]).get(
        reverse("insight:source", args=[study.slug, source.pk]) + "?coders=mine"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<mark" not in html
    assert "0 codings shown." in html


def test_source_page_code_this_turn_prefills_the_panel(world, objects, client_for):
    study, source = objects["study"], objects["source"]
    response = client_for(world["member"]).get(
        reverse("insight:source", args=[study.slug, source.pk]) + "?start=25&end=61"
    )
    html = response.content.decode()
    assert 'name="start" id="id_start" value="25"' in html
    assert "P01: Nobody listened to me at first." in html


def test_source_page_reader_sees_no_coding_controls(world, objects, client_for):
    study, source = objects["study"], objects["source"]
    reader = world["outsider"]
    actions.set_member(by=None, study=study, person=reader, role=StudyRole.VIEWER)
    html = client_for(reader).get(reverse("insight:source", args=[study.slug, source.pk]))
    html = html.content.decode()
    assert 'id="coding-panel"' not in html
    assert "Code this turn" not in html
    assert "Nobody listened" in html


def test_source_page_other_study_source_is_not_found(world, objects, client_for):
    other = actions.create_study(by=None, organisation=world["org"], title="Other", slug="other")
    response = client_for(world["admin"]).get(
        reverse("insight:source", args=[other.slug, objects["source"].pk])
    )
    assert response.status_code == 404


def test_source_page_queries_do_not_grow_with_codings(
    world, objects, client_for, django_assert_max_num_queries
):
    study, source = objects["study"], objects["source"]
    client = client_for(world["member"])
    url = reverse("insight:source", args=[study.slug, source.pk])
    client.get(url)
    with django_assert_max_num_queries(14) as few:
        client.get(url)
    codes = list(study.codes.all())
    coder = actions.coder_for(study=study, person=world["cochair"])
    for i in range(40):
        actions.add_coding(
            by=None,
            source=source,
            codes=[codes[i % len(codes)]],
            start=25 + i % 20,
            end=40 + i % 21,
            polarity="barrier",
            coder=coder,
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert "41 codings shown." in response.content.decode()


# -- Coding endpoints -------------------------------------------------------------------------


def test_coding_add_stores_span_and_redirects(world, objects, client_for):
    study, source = objects["study"], objects["source"]
    code = study.codes.get(framework_key="comb:physical_opportunity")
    response = _post_coding(
        client_for(world["member"]),
        objects,
        codes=[code.pk],
        polarity="facilitator",
        start=5,
        end=24,
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("insight:source", args=[study.slug, source.pk]) + (
        "#turn-0"
    )
    coding = Coding.objects.get(code=code)
    assert (coding.start, coding.end, coding.polarity) == (5, 24, "facilitator")
    assert coding.coder.person == world["member"]
    assert AuditEvent.objects.filter(action="coding.add", object_id=str(coding.pk)).count() == 1


def test_coding_add_htmx_returns_only_the_touched_turn(world, objects, client_for):
    study = objects["study"]
    code = study.codes.get(framework_key="comb:social_opportunity")
    response = _post_coding(
        client_for(world["member"]),
        objects,
        codes=[code.pk],
        polarity="barrier",
        start=30,
        end=36,
        htmx=True,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(
        '<p class="nhsuk-body insight-status--done" data-focus="turn-1">'
        "1 coding added: Social opportunity.</p>"
    )
    # Turn 1 (the participant's) comes back to be swapped in; turn 0 is untouched.
    assert '<div class="insight-block" id="block-1" hx-swap-oob="outerHTML">' in html
    assert 'id="block-0"' not in html
    assert '<span id="coding-count" hx-swap-oob="innerHTML">2 codings shown.</span>' in html
    assert 'data-start="30">Nobody</mark>' in html
    # No new code, so the code list is not sent again.
    assert 'id="code-tree"' not in html
    assert "<html" not in html


def test_coding_add_several_codes_and_new_inductive_code(world, objects, client_for):
    study = objects["study"]
    codes = list(study.codes.filter(framework_key__in=["comb:physical_opportunity"]))
    response = _post_coding(
        client_for(world["member"]),
        objects,
        codes=[c.pk for c in codes],
        new_code="Not being listened to",
        polarity="barrier",
        start=30,
        end=61,
    )
    assert response.status_code == 302
    new = Code.objects.get(study=study, name="Not being listened to")
    assert new.inductive
    made = Coding.objects.filter(start=30, end=61, polarity="barrier").exclude(
        pk=objects["coding"].pk
    )
    assert sorted(c.code.name for c in made) == ["Not being listened to", "Physical opportunity"]
    assert len({c.selection for c in made}) == 1


def test_coding_add_without_selection_shows_error_and_changes_nothing(world, objects, client_for):
    code = objects["code"]
    before = Coding.objects.count()
    response = _post_coding(client_for(world["member"]), objects, codes=[code.pk], polarity="x")
    assert response.status_code == 200
    html = " ".join(response.content.decode().split())
    # One error summary, inside the coding panel's form, linking to the transcript.
    assert html.count('class="nhsuk-error-summary"') == 1
    panel = html.split('id="coding-panel"', 1)[1].split("</form>", 1)[0]
    assert '<a href="#turn-0" > Select some text in the transcript first. </a>' in panel
    assert Coding.objects.count() == before


def test_coding_add_without_codes_htmx_shows_error(world, objects, client_for):
    before = Coding.objects.count()
    response = _post_coding(
        client_for(world["member"]),
        objects,
        polarity="neutral",
        start=0,
        end=5,
        htmx=True,
    )
    assert response.status_code == 200
    html = " ".join(response.content.decode().split())
    # In the panel's error summary, inside the form, linking to the codes; the status is quiet.
    errors = html.split('<div id="coding-errors" hx-swap-oob="innerHTML">', 1)[1]
    assert 'class="nhsuk-error-summary" data-module="nhsuk-error-summary"' in errors
    assert '<a href="#id_codes" > Choose at least one code, or name a new one. </a>' in errors
    assert html.split('<div id="coding-errors"', 1)[0].strip() == ""
    assert Coding.objects.count() == before


def test_coding_add_span_outside_text_refused_cleanly(world, objects, client_for):
    before = Coding.objects.count()
    response = _post_coding(
        client_for(world["member"]),
        objects,
        codes=[objects["code"].pk],
        polarity="neutral",
        start=10,
        end=10_000,
        new_code="Should not be made",
    )
    assert response.status_code == 200
    assert Coding.objects.count() == before
    assert not Code.objects.filter(name="Should not be made").exists()


def test_coding_add_code_from_other_study_ignored(world, objects, client_for):
    other = actions.create_study(by=None, organisation=world["org"], title="Other", slug="other")
    foreign = other.codes.first()
    before = Coding.objects.count()
    response = _post_coding(
        client_for(world["member"]), objects, codes=[foreign.pk], polarity="neutral", start=0, end=5
    )
    assert response.status_code == 200
    assert Coding.objects.count() == before


@pytest.mark.parametrize("role", ["outsider", "finance", "other_lead"])
def test_coding_add_refused_changes_nothing(world, objects, client_for, role):
    before = Coding.objects.count()
    response = _post_coding(
        client_for(world[role]), objects, codes=[objects["code"].pk], start=0, end=5
    )
    assert response.status_code == 403
    assert Coding.objects.count() == before


def test_coding_remove_own(world, objects, client_for):
    study, coding = objects["study"], objects["coding"]
    response = client_for(world["member"]).post(
        reverse("insight:coding_remove", args=[study.slug, coding.pk])
    )
    assert response.status_code == 302
    assert not Coding.objects.filter(pk=coding.pk).exists()
    assert AuditEvent.objects.filter(action="coding.remove").count() == 1


def test_coding_remove_htmx_rerenders(world, objects, client_for):
    study, coding = objects["study"], objects["coding"]
    response = client_for(world["member"]).post(
        reverse("insight:coding_remove", args=[study.slug, coding.pk]), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Coding removed: Psychological capability." in html
    assert 'id="block-1" hx-swap-oob="outerHTML"' in html
    assert "<mark" not in html


def test_coding_remove_another_coders_refused(world, objects, client_for):
    study, coding = objects["study"], objects["coding"]
    other = world["outsider"]
    actions.set_member(by=None, study=study, person=other, role=StudyRole.CODER)
    response = client_for(other).post(
        reverse("insight:coding_remove", args=[study.slug, coding.pk])
    )
    assert response.status_code == 403
    assert Coding.objects.filter(pk=coding.pk).exists()


def test_coding_polarity_changes_and_refused_for_other_coder(world, objects, client_for):
    study, coding = objects["study"], objects["coding"]
    url = reverse("insight:coding_polarity", args=[study.slug, coding.pk])
    other = world["outsider"]
    actions.set_member(by=None, study=study, person=other, role=StudyRole.CODER)
    assert client_for(other).post(url, {"polarity": "facilitator"}).status_code == 403
    coding.refresh_from_db()
    assert coding.polarity == "barrier"
    response = client_for(world["member"]).post(url, {"polarity": "facilitator"})
    assert response.status_code == 302
    coding.refresh_from_db()
    assert coding.polarity == "facilitator"


def test_coding_polarity_bad_value_changes_nothing(world, objects, client_for):
    study, coding = objects["study"], objects["coding"]
    url = reverse("insight:coding_polarity", args=[study.slug, coding.pk])
    response = client_for(world["member"]).post(url, {"polarity": "sideways"})
    assert response.status_code == 302
    coding.refresh_from_db()
    assert coding.polarity == "barrier"


# -- Codebook ---------------------------------------------------------------------------------


def test_codebook_lists_codes_with_counts(world, objects, client_for):
    study = objects["study"]
    response = client_for(world["member"]).get(reverse("insight:codebook", args=[study.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('>1<br><span class="nhsuk-body-s">in 1 source</span>') == 1
    assert html.count('>0<br><span class="nhsuk-body-s">in 0 sources</span>') == 5
    counts = {c.name: c.n_codings for c, _depth in selectors.code_tree(study, counts=True)}
    assert counts["Psychological capability"] == 1
    assert "Framework code" in html
    # Coders do not manage the codebook.
    assert "Add the TDF domains under COM-B" not in html


def test_codebook_seed_adds_tdf_under_comb(world, objects, client_for):
    study = objects["study"]
    response = client_for(world["cochair"]).post(
        reverse("insight:codebook_seed", args=[study.slug])
    )
    assert response.status_code == 302
    knowledge = study.codes.get(framework_key="tdf:knowledge")
    assert knowledge.parent.framework_key == "comb:psychological_capability"
    assert study.codes.filter(framework_key__startswith="tdf:").count() == 15
    # Seeding twice adds nothing.
    client_for(world["cochair"]).post(reverse("insight:codebook_seed", args=[study.slug]))
    assert study.codes.filter(framework_key__startswith="tdf:").count() == 15


def test_codebook_seed_refused_for_coder(world, objects, client_for):
    study = objects["study"]
    before = study.codes.count()
    response = client_for(world["member"]).post(reverse("insight:codebook_seed", args=[study.slug]))
    assert response.status_code == 403
    assert study.codes.count() == before


def test_code_detail_lists_passages(world, objects, client_for):
    study, code = objects["study"], objects["code"]
    response = client_for(world["member"]).get(reverse("insight:code", args=[study.slug, code.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "“Nobody listened to me at first.”" in html
    assert "Interview P01" in html
    assert [c.quote for c in selectors.passages(code)] == ["Nobody listened to me at first."]


def test_code_create_inductive_under_parent(world, objects, client_for):
    study, parent = objects["study"], objects["code"]
    response = client_for(world["member"]).post(
        reverse("insight:code_create", args=[study.slug]),
        {
            "name": "Jargon",
            "parent": parent.pk,
            "definition": "Words patients do not know.",
            "inclusion": "",
            "exclusion": "",
            "comb": "",
            "tdf_domains": ["knowledge"],
            "colour": "#005eb8",
        },
    )
    code = Code.objects.get(name="Jargon")
    assert response.status_code == 302
    assert response["Location"] == reverse("insight:code", args=[study.slug, code.pk])
    assert (code.parent, code.comb, code.tdf_domains) == (
        parent,
        "psychological_capability",
        ["knowledge"],
    )
    assert code.inductive


def test_code_create_invalid_redisplays(world, objects, client_for):
    study = objects["study"]
    before = Code.objects.count()
    response = client_for(world["member"]).post(
        reverse("insight:code_create", args=[study.slug]), {"name": "", "colour": "blue"}
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert Code.objects.count() == before


def test_code_update_by_lead_and_refused_for_coder(world, objects, client_for):
    study, code = objects["study"], objects["code"]
    url = reverse("insight:code_update", args=[study.slug, code.pk])
    data = {
        "name": "Psychological capability",
        "definition": "Knowing about involvement.",
        "inclusion": "Awareness, literacy.",
        "exclusion": "Physical skills.",
        "comb": "psychological_capability",
        "colour": "#41b6e6",
    }
    assert client_for(world["member"]).post(url, data).status_code == 403
    code.refresh_from_db()
    assert code.inclusion == ""
    response = client_for(world["cochair"]).post(url, data)
    assert response.status_code == 302
    code.refresh_from_db()
    assert (code.definition, code.inclusion, code.exclusion) == (
        "Knowing about involvement.",
        "Awareness, literacy.",
        "Physical skills.",
    )


def test_code_update_cannot_sit_under_itself(world, objects, client_for):
    study, code = objects["study"], objects["code"]
    child = actions.create_code(by=None, study=study, name="Child", parent=code)
    response = client_for(world["cochair"]).post(
        reverse("insight:code_update", args=[study.slug, code.pk]),
        {"name": code.name, "parent": child.pk, "colour": "#005eb8"},
    )
    assert response.status_code == 200
    assert "A code cannot sit under itself." in response.content.decode()
    code.refresh_from_db()
    assert code.parent is None


def test_codebook_versions_save_and_list(world, objects, client_for):
    study = objects["study"]
    url = reverse("insight:codebook_versions", args=[study.slug])
    response = client_for(world["cochair"]).post(url, {"note": "First pass"})
    assert response.status_code == 302
    version = CodebookVersion.objects.get(study=study)
    assert (version.number, version.note, len(version.snapshot)) == (1, "First pass", 6)
    page = client_for(world["cochair"]).get(url)
    assert "First pass" in page.content.decode()


def test_codebook_versions_refused_for_coder(world, objects, client_for):
    study = objects["study"]
    url = reverse("insight:codebook_versions", args=[study.slug])
    assert client_for(world["member"]).post(url, {"note": "x"}).status_code == 403
    assert CodebookVersion.objects.count() == 0


# -- Themes -----------------------------------------------------------------------------------


def test_themes_page_lists_themes_and_subthemes(world, objects, client_for):
    study, theme = objects["study"], objects["theme"]
    actions.create_theme(by=None, study=study, name="Jargon in letters", parent=theme)
    response = client_for(world["member"]).get(reverse("insight:themes", args=[study.slug]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Not being heard" in html and "Jargon in letters" in html
    assert "Psychological capability" in html
    assert [t.name for t in selectors.themes(study)[0].children] == ["Jargon in letters"]


def test_theme_create_and_update(world, objects, client_for):
    study, code = objects["study"], objects["code"]
    client = client_for(world["cochair"])
    response = client.post(
        reverse("insight:theme_create", args=[study.slug]),
        {
            "name": "Time pressure",
            "comb": "physical_opportunity",
            "classification": "barrier",
            "codes": [code.pk],
        },
    )
    theme = Theme.objects.get(name="Time pressure")
    assert response.status_code == 302
    assert list(theme.codes.all()) == [code]
    response = client.post(
        reverse("insight:theme_update", args=[study.slug, theme.pk]),
        {"name": "Time pressure", "parent": objects["theme"].pk, "classification": "both"},
    )
    assert response.status_code == 302
    theme.refresh_from_db()
    assert (theme.parent, theme.classification, list(theme.codes.all())) == (
        objects["theme"],
        "both",
        [],
    )


def test_theme_create_refused_for_coder(world, objects, client_for):
    study = objects["study"]
    response = client_for(world["member"]).post(
        reverse("insight:theme_create", args=[study.slug]), {"name": "Nope"}
    )
    assert response.status_code == 403
    assert Theme.objects.count() == 1


# -- Memos ------------------------------------------------------------------------------------


def test_memo_create_about_a_coding(world, objects, client_for):
    study, coding = objects["study"], objects["coding"]
    url = reverse("insight:memo_create", args=[study.slug]) + f"?coding={coding.pk}"
    client = client_for(world["member"])
    page = client.get(url)
    assert "Write a memo about a coding of Psychological capability" in page.content.decode()
    response = client.post(url, {"text": "Felt dismissed.", "coding": coding.pk})
    memo = Memo.objects.get()
    assert (memo.coding, memo.text, memo.author.person) == (
        coding,
        "Felt dismissed.",
        world["member"],
    )
    assert response["Location"].endswith(f"#coding-{coding.pk}")


def test_memo_create_target_in_other_study_not_found(world, objects, client_for):
    other = actions.create_study(by=None, organisation=world["org"], title="Other", slug="other")
    code = other.codes.first()
    url = reverse("insight:memo_create", args=[objects["study"].slug]) + f"?code={code.pk}"
    response = client_for(world["admin"]).post(url, {"text": "x", "code": code.pk})
    assert response.status_code == 404
    assert Memo.objects.count() == 0


def test_memos_list_and_update_own(world, objects, client_for):
    study = objects["study"]
    memo = actions.write_memo(
        by=world["member"].user, study=study, text="First", participant=objects["participant"]
    )
    client = client_for(world["member"])
    listing = client.get(reverse("insight:memos", args=[study.slug]))
    assert "About P01" in listing.content.decode()
    response = client.post(
        reverse("insight:memo_update", args=[study.slug, memo.pk]), {"text": "Second"}
    )
    assert response.status_code == 302
    memo.refresh_from_db()
    assert memo.text == "Second"


def test_memo_update_by_another_coder_refused(world, objects, client_for):
    study = objects["study"]
    memo = actions.write_memo(by=world["member"].user, study=study, text="Mine")
    other = world["outsider"]
    actions.set_member(by=None, study=study, person=other, role=StudyRole.CODER)
    response = client_for(other).post(
        reverse("insight:memo_update", args=[study.slug, memo.pk]), {"text": "Theirs"}
    )
    assert response.status_code == 403
    memo.refresh_from_db()
    assert memo.text == "Mine"


def test_memo_create_empty_redisplays(world, objects, client_for):
    study = objects["study"]
    response = client_for(world["member"]).post(
        reverse("insight:memo_create", args=[study.slug]), {"text": "  "}
    )
    assert response.status_code == 200
    assert Memo.objects.count() == 0


def test_coding_add_htmx_new_code_sends_code_list_again(world, objects, client_for):
    response = _post_coding(
        client_for(world["member"]),
        objects,
        new_code="Jargon",
        polarity="barrier",
        start=0,
        end=11,
        htmx=True,
    )
    html = response.content.decode()
    code = Code.objects.get(name="Jargon")
    assert '<div id="code-tree" hx-swap-oob="innerHTML">' in html
    assert f'value="{code.pk}"' in html
    assert 'data-focus="turn-0"' in html
    assert Coding.objects.get(code=code).start == 0


def test_coding_add_get_not_allowed(world, objects, client_for):
    study, source = objects["study"], objects["source"]
    response = client_for(world["member"]).get(
        reverse("insight:coding_add", args=[study.slug, source.pk])
    )
    assert response.status_code == 405


def test_add_coding_new_code_made_and_applied_in_one_action(world, objects):
    source, code = objects["source"], objects["code"]
    before = AuditEvent.objects.count()
    made = actions.add_coding(
        by=world["member"].user,
        source=source,
        codes=[code, code],
        new_code="  Feeling unheard ",
        start=0,
        end=10,
    )
    assert [c.code.name for c in made] == [code.name, "Feeling unheard"]
    assert Code.objects.filter(study=objects["study"], name="Feeling unheard").count() == 1
    assert AuditEvent.objects.count() - before == 3  # the code and two codings
    again = actions.add_coding(
        by=world["member"].user, source=source, codes=[code], start=0, end=10
    )
    assert again == []


def test_add_coding_without_any_code_refused_and_nothing_written(world, objects):
    before = (Coding.objects.count(), Code.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError):
        actions.add_coding(
            by=world["member"].user,
            source=objects["source"],
            codes=[],
            new_code="  ",
            start=0,
            end=5,
        )
    assert (Coding.objects.count(), Code.objects.count(), AuditEvent.objects.count()) == before
