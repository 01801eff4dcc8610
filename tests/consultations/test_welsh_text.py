"""Consultation pages and exports in Welsh (issue 16): survey links named by who and when,
dates in words, export levels and questionnaire titles in the reader's language."""

import datetime

from django.urls import reverse

from coproduce.consultations import actions, instruments

from .helpers import answer, team_with_people

START, END = datetime.date(2026, 11, 27), datetime.date(2026, 12, 27)


def _link(team, clinician=None):
    return actions.create_link(
        by=None,
        team=team,
        clinician=clinician,
        instrument="collaborate-10",
        valid_from=START,
        valid_to=END,
        one_use=False,
    )


def test_team_page_survey_links_named_in_welsh(world, client_for):
    team, clinician, _ = team_with_people(world)
    _link(team, clinician)
    _link(team)
    client = client_for(world["lead"])
    client.cookies["coproduce_language"] = "cy"
    page = client.get(reverse("consultations:team", args=[team.pk])).content.decode()
    assert "Dolen arolwg ar gyfer Cerys Cochair, 27 Tachwedd 2026 i 27 Rhagfyr 2026" in page
    assert "Dolen arolwg ar gyfer y tîm cyfan, 27 Tachwedd 2026 i 27 Rhagfyr 2026" in page
    assert "2026-11-27" not in page


def test_clinician_page_survey_link_named_in_english(world, client_for):
    team, clinician, _ = team_with_people(world)
    _link(team, clinician)
    page = client_for(world["cochair"]).get(reverse("consultations:clinician", args=[clinician.pk]))
    assert "Survey link, 27 November 2026 to 27 December 2026" in page.content.decode()


def test_export_csv_levels_and_title_in_welsh(world, client_for):
    team, clinician, _ = team_with_people(world)
    answer(_link(team, clinician), [9, 9, 9])
    client = client_for(world["admin"])
    client.cookies["coproduce_language"] = "cy"
    lines = (
        client.get(reverse("consultations:export_csv", args=[world["org"].slug]))
        .content.decode()
        .splitlines()
    )
    assert [line.split(",")[:3] for line in lines[1:6:2]] == [
        ["Sefydliad", "Dyffryn Teg Health Board", "CollaboRATE (fersiwn 10 pwynt)"],
        ["Tîm", "Bridge Street GPs", "CollaboRATE (fersiwn 10 pwynt)"],
        ["Clinigwr", "Cerys Cochair (Bridge Street GPs)", "CollaboRATE (fersiwn 10 pwynt)"],
    ]
    assert lines[0].split(",")[3] == "Mis (blwyddyn-mis)"


def test_instrument_notice_and_licence_in_welsh():
    checklist = instruments.get("coproductive-consultation-checklist")
    assert checklist.licence_in("cy") == ("MIT (rhan o coproduce)", "cy")
    assert checklist.notice_in("cy")[0].startswith(
        "Wedi'i ysgrifennu ar gyfer coproduce yn ein geiriau ein hunain"
    )
    collaborate = instruments.get("collaborate-10")
    # A licence's name is the same in both languages: shown as it is, marked English.
    assert collaborate.licence_in("cy") == ("CC BY-NC-ND 3.0", "en")
    assert collaborate.notice_in("en")[0].startswith("CollaboRATE © Glyn Elwyn")


def test_instruments_page_notice_in_welsh(client, db):
    client.cookies["coproduce_language"] = "cy"
    page = client.get(reverse("consultations:instruments")).content.decode()
    assert '<dd class="nhsuk-summary-list__value" lang="cy">MIT (rhan o coproduce)</dd>' in page
    assert '<p class="nhsuk-body-s" lang="cy">Wedi&#39;i ysgrifennu ar gyfer coproduce' in page
