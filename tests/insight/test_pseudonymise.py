"""Pseudonymisation across the whole study: memos, matrix summaries, intervention notes, theme
descriptions, code definitions and participants' text attributes, besides the sources."""

import html
import json

import pytest
from django.urls import reverse

from coproduce.core.models import AuditEvent
from coproduce.insight import actions
from coproduce.insight.models import (
    AttributeType,
    Code,
    InterventionCandidate,
    MatrixCell,
    Memo,
    Participant,
    Theme,
)
from coproduce.insight.selectors import sources as selectors

from .sweep import build

# Engine-specific: also runs in the PostgreSQL pass (tests/test_suite_rules.py).
pytestmark = pytest.mark.postgres

REPLACEMENTS = {
    "Siân": ("[Person 1]", "person"),
    "Jones": ("[Person 2]", "person"),
    "Bangor": ("[Place 1]", "place"),
}
ORIGINALS = ("Siân", "Jones", "Bangor")


@pytest.fixture
def objects(world):
    return build(world)


def _fill(study, theme, participant, code):
    """The same kinds of free text in a study, each naming Siân, Jones or Bangor."""
    actions.define_attribute(by=None, study=study, name="practice", type=AttributeType.TEXT)
    actions.define_attribute(by=None, study=study, name="year", type=AttributeType.INTEGER)
    actions.update_participant(
        by=None,
        participant=participant,
        attributes={
            "sample_group": "Public",
            "role": "GP",
            "area": "Bangor",
            "practice": "Bangor surgery, near Siânfa",
            "year": "2019",
        },
    )
    memo = actions.write_memo(
        by=None, study=study, text="Siân was upset; Dr Jones’s clinic in Bangor. siân, Siânfa."
    )
    cell = actions.set_matrix_cell(
        by=None, theme=theme, participant=participant, summary="Siân felt ignored by Jones."
    )
    candidate = actions.set_candidate(
        by=None,
        theme=theme,
        function="education",
        note="A leaflet, as Siân asked",
        apease={"acceptability": "Jones agreed", "equity": "Fair across Bangor-on-Dee too"},
    )
    actions.update_theme(by=None, theme=theme, description="Siân and Jones were not heard.")
    actions.update_code(
        by=None,
        code=code,
        definition="Not knowing, as Siân put it",
        inclusion="When Jones explains",
        exclusion="Bangor's leaflets",
    )
    return memo, cell, candidate


def _texts(study):
    """Every free text of the study the action may rewrite, in a fixed order."""
    return (
        sorted(Memo.objects.filter(study=study).values_list("text", flat=True)),
        sorted(MatrixCell.objects.filter(theme__study=study).values_list("summary", flat=True)),
        sorted(
            InterventionCandidate.objects.filter(theme__study=study).values_list("note", "apease")
        ),
        sorted(Theme.objects.filter(study=study).values_list("description", flat=True)),
        sorted(
            Code.objects.filter(study=study).values_list("definition", "inclusion", "exclusion")
        ),
        sorted(Participant.objects.filter(study=study).values_list("identifier", "attributes")),
    )


@pytest.fixture
def filled(objects):
    return _fill(objects["study"], objects["theme"], objects["participant"], objects["code"])


@pytest.fixture
def other_study(world):
    study = actions.create_study(
        by=world["admin"].user, organisation=world["org"], title="Elsewhere", slug="elsewhere"
    )
    code = study.codes.get(framework_key="comb:psychological_capability")
    theme = actions.create_theme(by=None, study=study, name="Other theme", codes=[code])
    participant = actions.add_participant(by=None, study=study, identifier="Q01")
    _fill(study, theme, participant, code)
    return study


# The action


def test_apply_pseudonyms_rewrites_memos(world, objects, filled):
    memo, _cell, _candidate = filled
    report = actions.apply_pseudonyms(by=None, study=objects["study"], replacements=REPLACEMENTS)
    memo.refresh_from_db()
    # Whole words and case-sensitive: "siân" and "Siânfa" stay.
    assert memo.text == ("[Person 1] was upset; Dr [Person 2]’s clinic in [Place 1]. siân, Siânfa.")
    assert report["memos"] == 1


def test_apply_pseudonyms_rewrites_matrix_summaries(world, objects, filled):
    _memo, cell, _candidate = filled
    report = actions.apply_pseudonyms(by=None, study=objects["study"], replacements=REPLACEMENTS)
    cell.refresh_from_db()
    assert cell.summary == "[Person 1] felt ignored by [Person 2]."
    assert report["matrix_cells"] == 1


def test_apply_pseudonyms_rewrites_intervention_notes_and_apease(world, objects, filled):
    _memo, _cell, candidate = filled
    report = actions.apply_pseudonyms(by=None, study=objects["study"], replacements=REPLACEMENTS)
    candidate.refresh_from_db()
    assert candidate.note == "A leaflet, as [Person 1] asked"
    # "Bangor-on-Dee" is another place: a hyphen joins it into one word.
    assert candidate.apease == {
        "acceptability": "[Person 2] agreed",
        "equity": "Fair across Bangor-on-Dee too",
    }
    assert report["interventions"] == 1


def test_apply_pseudonyms_rewrites_theme_descriptions(world, objects, filled):
    report = actions.apply_pseudonyms(by=None, study=objects["study"], replacements=REPLACEMENTS)
    theme = Theme.objects.get(pk=objects["theme"].pk)
    assert theme.description == "[Person 1] and [Person 2] were not heard."
    assert theme.name == "Not being heard"
    assert report["themes"] == 1


def test_apply_pseudonyms_rewrites_code_definitions(world, objects, filled):
    report = actions.apply_pseudonyms(by=None, study=objects["study"], replacements=REPLACEMENTS)
    code = Code.objects.get(pk=objects["code"].pk)
    assert (code.definition, code.inclusion, code.exclusion) == (
        "Not knowing, as [Person 1] put it",
        "When [Person 2] explains",
        "[Place 1]'s leaflets",
    )
    assert report["codes"] == 1


def test_apply_pseudonyms_rewrites_text_attributes_only(world, objects, filled):
    report = actions.apply_pseudonyms(
        by=None,
        study=objects["study"],
        replacements=REPLACEMENTS | {"2019": ("[Year]", "other"), "GP": ("[Role]", "other")},
    )
    participant = Participant.objects.get(pk=objects["participant"].pk)
    assert participant.attributes == {
        "sample_group": "Public",
        "role": "[Role]",  # a category changes only when it is itself a chosen name
        "area": "[Place 1]",
        "practice": "[Place 1] surgery, near Siânfa",
        "year": "2019",  # a whole number cannot be a name
    }
    assert report["attributes"] == 1
    assert report["participants"] == 0  # no speaker label changed


def test_apply_pseudonyms_leaves_categories_not_chosen(world, objects, filled):
    actions.apply_pseudonyms(by=None, study=objects["study"], replacements=REPLACEMENTS)
    participant = Participant.objects.get(pk=objects["participant"].pk)
    assert participant.attributes["role"] == "GP"
    assert participant.attributes["sample_group"] == "Public"


def test_apply_pseudonyms_leaves_another_study_untouched(world, objects, filled, other_study):
    before = _texts(other_study)
    actions.apply_pseudonyms(by=None, study=objects["study"], replacements=REPLACEMENTS)
    assert _texts(other_study) == before
    assert Memo.objects.get(study=other_study).text == (
        "Siân was upset; Dr Jones’s clinic in Bangor. siân, Siânfa."
    )


def test_apply_pseudonyms_audit_records_counts_only(world, objects, filled):
    report = actions.apply_pseudonyms(
        by=world["cochair"].user, study=objects["study"], replacements=REPLACEMENTS
    )
    assert report == {
        "names": 3,
        "replacements": 0,
        "sources": 0,
        "turns": 0,
        "codings": 0,
        "participants": 0,
        "attributes": 1,
        "memos": 1,
        "matrix_cells": 1,
        "interventions": 1,
        "themes": 1,
        "codes": 1,
    }
    event = AuditEvent.objects.get(action="study.pseudonymise")
    assert event.changes == report
    dumped = json.dumps(event.changes, ensure_ascii=False) + event.object_repr
    assert [name for name in ORIGINALS if name in dumped] == []


def test_apply_pseudonyms_refused_changes_none_of_the_texts(world, objects, filled):
    from django.core.exceptions import ValidationError

    before = _texts(objects["study"])
    with pytest.raises(ValidationError):
        actions.apply_pseudonyms(
            by=None, study=objects["study"], replacements={"Siân": ("", "person")}
        )
    assert _texts(objects["study"]) == before


# Candidates


def test_pseudonym_candidates_found_in_memos_and_matrix_summaries(world, objects):
    study, theme, participant = objects["study"], objects["theme"], objects["participant"]
    actions.write_memo(by=None, study=study, text="Ask Dr Pritchard about the clinic.")
    actions.set_matrix_cell(
        by=None, theme=theme, participant=participant, summary="Travels to clinic in Aberaeron."
    )
    found = {c.text: c for c in selectors.pseudonym_candidates(study)}
    assert (found["Pritchard"].kind, found["Pritchard"].count) == ("person", 1)
    assert found["Pritchard"].source == "Memo"
    assert found["Pritchard"].context == "Ask Dr Pritchard about the clinic."
    assert (found["Aberaeron"].kind, found["Aberaeron"].count) == ("place", 1)
    assert found["Aberaeron"].source == "Framework matrix"
    assert found["Aberaeron"].context == "Travels to clinic in Aberaeron."


# The page


def test_pseudonymise_post_reports_the_other_texts(world, client_for, objects, filled):
    response = client_for(world["cochair"]).post(
        reverse("insight:pseudonymise", args=["barriers"]),
        {"extra_original": "Jones", "extra_replacement": "[Person 2]", "extra_kind": "person"},
        follow=True,
    )
    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    assert (
        "1 names replaced 0 times in 0 sources; 0 turns and 0 codings moved with the text. "
        "Also replaced in: 1 memo; 1 framework matrix summary; 1 intervention function's "
        "notes; 1 theme description; 1 code's definition or guidance."
    ) in body
    memo, cell, _candidate = filled
    memo.refresh_from_db()
    assert memo.text == "Siân was upset; Dr [Person 2]’s clinic in Bangor. siân, Siânfa."


def test_pseudonymise_refused_for_coder_leaves_the_other_texts(world, client_for, objects, filled):
    before = _texts(objects["study"])
    response = client_for(world["member"]).post(
        reverse("insight:pseudonymise", args=["barriers"]),
        {"extra_original": "Siân", "extra_replacement": "[P]", "extra_kind": "person"},
    )
    assert response.status_code == 403
    assert _texts(objects["study"]) == before
