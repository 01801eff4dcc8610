"""Insight text in Welsh (issue 16): codes seeded in the language the study is made in, the
Behaviour Change Wheel's Welsh, the DOCX date in words, no repeated title, one "(optional)"."""

import datetime
import io

from django.urls import reverse
from django.utils import translation

from coproduce.insight import actions, analysis, frameworks
from coproduce.insight.forms.coding import CodingForm

from .test_analysis import make_study, small  # noqa: F401 - fixture


def test_seed_framework_codes_in_welsh(world):
    with translation.override("cy"):
        study = actions.create_study(
            by=None, organisation=world["org"], title="Astudiaeth", seed_tdf=True
        )
    codes = {c.framework_key: c for c in study.codes.all()}
    physical = codes["comb:physical_capability"]
    assert physical.name == "Gallu corfforol"
    assert physical.definition == (
        "Y sgil, y cryfder neu'r stamina corfforol sydd eu hangen i wneud yr ymddygiad.\n\n"
        "Ffynhonnell: Michie S, van Stralen MM, West R. The behaviour change wheel: a new method "
        "for characterising and designing behaviour change interventions. Implementation "
        "Science 2011;6:42. https://doi.org/10.1186/1748-5908-6-42"
    )
    knowledge = codes["tdf:knowledge"]
    assert knowledge.name == "Gwybodaeth"
    assert knowledge.definition.startswith("Ffynhonnell: Cane J, O'Connor D, Michie S.")


def test_seed_framework_codes_in_english(world):
    study = actions.create_study(by=None, organisation=world["org"], title="Study")
    physical = study.codes.get(framework_key="comb:physical_capability")
    assert physical.name == "Physical capability"
    assert physical.definition.startswith(
        "Physical skill, strength or stamina needed to do the behaviour.\n\nSource: Michie S,"
    )


def test_bcw_functions_welsh_definitions():
    data = frameworks.bcw()
    with translation.override("cy"):
        education = frameworks.localised(data["functions"][0], "definition")
        title = frameworks.localised(data, "title")
    assert education == "Cynyddu gwybodaeth neu ddealltwriaeth."
    assert title == "Olwyn Newid Ymddygiad (COM-B i swyddogaethau ymyrraeth)"
    assert [f["key"] for f in data["functions"] if not f.get("definition_cy")] == []


def test_write_docx_date_in_welsh_words(world):
    from docx import Document

    study = make_study(world)
    with translation.override("cy"):
        content = analysis.write_docx(
            ["A"], [["1"]], study=study, title="T", summary="S", on=datetime.date(2026, 11, 27)
        )
    paragraphs = [p.text for p in Document(io.BytesIO(content)).paragraphs]
    assert paragraphs[2] == "Cynhyrchwyd ar 27 Tachwedd 2026."


def test_barriers_summary_does_not_repeat_the_title(world):
    study = make_study(world)
    study.title = "Barriers and facilitators to coproduction"
    assert analysis.barriers(study)["summary"] == (
        "The barriers and facilitators found (0 in all), under the six parts of COM-B, each with "
        "how many participants and sources mention it."
    )


def test_apply_form_new_code_label_has_no_optional_marker():
    assert str(CodingForm.base_fields["new_code"].label) == "New code"


def test_table1_summary_keeps_capitals_of_a_label(small):  # noqa: F811
    actions.define_attribute(
        by=None, study=small, name="deprivation_quintile", label="Deprivation quintile (WIMD)"
    )
    summary = analysis.table1(small, by=["deprivation_quintile"], split="role")["summary"]
    assert summary == (
        "Characteristics of the 6 participants in Coproduction in Wales: number of participants "
        "and percentage of each column for deprivation quintile (WIMD). Columns split them by "
        "role."
    )


def test_source_page_speaker_not_shown_twice(world, client_for):
    study = make_study(world, slug="speakers")
    text = "P01: No, never.\nInterviewer thanks them."
    source = actions.add_source(
        by=None, study=study, name="Interview", text=text, turns=[("P01", 0, 15)]
    )
    page = client_for(world["admin"]).get(reverse("insight:source", args=[study.slug, source.pk]))
    html = page.content.decode()
    assert (
        '<p class="insight-turn__speaker nhsuk-u-visually-hidden" id="turn-0-speaker">P01' in html
    )
