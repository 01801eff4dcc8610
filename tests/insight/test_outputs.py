"""The output pages of a study: each page, its CSV/XLSX/DOCX downloads with exact content, the
two forms written there and sending interventions to the project, with refusals changing
nothing."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from coproduce.insight import actions
from coproduce.insight.models import InterventionCandidate, MatrixCell, StudyRole
from coproduce.reports.models import Input

from .test_analysis import coded, small, two_coders  # noqa: F401 - fixtures


@pytest.fixture
def team(world, coded):  # noqa: F811
    """The co-chair leads the study, the member codes, the outsider only reads it."""
    study = coded.study
    actions.set_member(by=None, study=study, person=world["cochair"], role=StudyRole.LEAD)
    actions.set_member(by=None, study=study, person=world["member"], role=StudyRole.CODER)
    actions.set_member(by=None, study=study, person=world["outsider"], role=StudyRole.VIEWER)
    return coded


def _csv(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def _xlsx(response):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(response.content))
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def _docx(response):
    from docx import Document

    document = Document(io.BytesIO(response.content))
    [table] = document.tables
    return (
        [p.text for p in document.paragraphs],
        [[cell.text for cell in row.cells] for row in table.rows],
        table,
    )


# Table 1 ---------------------------------------------------------------------------------------


def test_table1_page_default(world, client_for, small):  # noqa: F811
    response = client_for(world["admin"]).get(reverse("insight:table1", args=[small.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Table 1: participant characteristics" in html
    assert "Characteristics of the 6 participants in Coproduction in Wales" in html
    # The admin may see special-category attributes: gender is offered and shown.
    assert 'value="gender"' in html
    assert "6 (100%)" in html


def test_table1_page_split_half_up(world, client_for, small):  # noqa: F811
    response = client_for(world["admin"]).get(
        reverse("insight:table1", args=[small.slug]),
        {"by": "role", "split": "setting", "rounding": "half-up"},
    )
    html = response.content.decode()
    assert "Total (n = 6)" in html and "Not recorded (n = 1)" in html
    assert html.count("1 (17%)") == 2 and "4 (67%)" in html
    assert "may add up to 99 or 101" in html


def test_table1_special_hidden_from_reader(world, client_for, team):
    client = client_for(world["outsider"])
    path = reverse("insight:table1", args=[team.study.slug])
    html = client.get(path).content.decode()
    assert 'value="gender"' not in html and 'value="role"' in html
    refused = client.get(path, {"by": "gender"})
    assert refused.status_code == 200
    assert "There is a problem" in refused.content.decode()
    # Asking for a download of a refused attribute gives the page back, not a file.
    download = client.get(path, {"by": "gender", "format": "csv"})
    assert download["Content-Type"].startswith("text/html")


def test_table1_csv_export(world, client_for, small):  # noqa: F811
    response = client_for(world["admin"]).get(
        reverse("insight:table1", args=[small.slug]),
        {"by": "role", "rounding": "largest-remainder", "format": "csv"},
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="outputs-table-1-{today}.csv"'
    )
    assert _csv(response) == [
        ["Characteristic", "Value", "Total (n = 6) n", "Total (n = 6) %"],
        ["Role", "A", "1", "17"],
        ["Role", "B", "1", "16"],
        ["Role", "C", "4", "67"],
    ]


def test_table1_xlsx_export(world, client_for, small):  # noqa: F811
    response = client_for(world["admin"]).get(
        reverse("insight:table1", args=[small.slug]),
        {"by": "setting", "split": "role", "format": "xlsx"},
    )
    assert _xlsx(response) == [
        [
            "Characteristic",
            "Value",
            "A (n = 1) n",
            "A (n = 1) %",
            "B (n = 1) n",
            "B (n = 1) %",
            "C (n = 4) n",
            "C (n = 4) %",
            "Total (n = 6) n",
            "Total (n = 6) %",
        ],
        ["Setting", "primary", 1, 100, 1, 100, 1, 25, 3, 50],
        ["Setting", "secondary", 0, 0, 0, 0, 2, 50, 2, 33],
        ["Setting", "Not recorded", 0, 0, 0, 0, 1, 25, 1, 17],
    ]


def test_table1_docx_export(world, client_for, small):  # noqa: F811
    response = client_for(world["admin"]).get(
        reverse("insight:table1", args=[small.slug]), {"by": "setting", "format": "docx"}
    )
    paragraphs, rows, table = _docx(response)
    assert paragraphs[:3] == [
        "Coproduction in Wales",
        "Table 1: participant characteristics",
        f"Produced on {date_format(timezone.localdate(), 'j F Y')}.",
    ]
    assert rows == [
        ["Characteristic", "Value", "Total (n = 6)"],
        ["Setting", "primary", "3 (50)"],
        ["Setting", "secondary", "2 (33)"],
        ["Setting", "Not recorded", "1 (17)"],
    ]
    # The header row is bold and repeats on every page.
    assert table.rows[0].cells[0].paragraphs[0].runs[0].bold is True
    assert "w:tblHeader" in table.rows[0]._tr.xml


# Barriers --------------------------------------------------------------------------------------


def test_barriers_page(world, client_for, team):
    response = client_for(world["member"]).get(reverse("insight:barriers", args=["coded"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Appointment time" in html and "Community partners" in html
    assert "“We never have time.” (primary care clinician, GP)" in html


def test_barriers_csv_and_docx(world, client_for, team):
    client = client_for(world["member"])
    path = reverse("insight:barriers", args=["coded"])
    rows = _csv(client.get(path, {"format": "csv"}))
    assert rows[1:] == [
        [
            "Physical opportunity",
            "Barrier",
            "Appointment time",
            "2",
            "2",
            "“We never have time.” (primary care clinician, GP)\n"
            "“Time is short.” (clinician, nurse)",
        ],
        [
            "Social opportunity",
            "Facilitator",
            "Community partners",
            "1",
            "1",
            "“The carers group helps.” (clinician, nurse)",
        ],
    ]
    _paragraphs, docx_rows, _table = _docx(client.get(path, {"format": "docx"}))
    assert docx_rows[0] == [
        "COM-B sub-component",
        "Barrier or facilitator",
        "Theme or code",
        "Participants",
        "Sources",
        "Example quotes",
    ]
    assert docx_rows[2][:5] == ["Social opportunity", "Facilitator", "Community partners", "1", "1"]


# Matrix ----------------------------------------------------------------------------------------


def test_matrix_page_and_filter(world, client_for, team):
    client = client_for(world["member"])
    path = reverse("insight:matrix", args=["coded"])
    html = client.get(path).content.decode()
    assert "P1" in html and "P2" in html and "2 quotes" in html
    filtered = client.get(path, {"role": "nurse"}).content.decode()
    assert ">P2<" in filtered and ">P1<" not in filtered
    assert _xlsx(client.get(path, {"format": "xlsx"})) == [
        ["Participant", "Appointment time", "Quotes: Appointment time"],
        ["P1", None, 2],
        ["P2", None, 1],
    ]


def test_matrix_cell_coder_writes(world, client_for, team):
    client = client_for(world["member"])
    path = reverse("insight:matrix_cell", args=["coded", team.theme.pk, team.p1.pk])
    assert client.get(path).status_code == 200
    response = client.post(path, {"summary": "Short of time in every surgery."})
    assert response.status_code == 302
    assert response["Location"] == reverse("insight:matrix", args=["coded"])
    cell = MatrixCell.objects.get()
    assert (cell.theme, cell.participant, cell.summary) == (
        team.theme,
        team.p1,
        "Short of time in every surgery.",
    )


def test_matrix_cell_reader_refused(world, client_for, team):
    actions.set_matrix_cell(by=None, theme=team.theme, participant=team.p1, summary="Kept")
    path = reverse("insight:matrix_cell", args=["coded", team.theme.pk, team.p1.pk])
    for person in ("outsider", "other_lead"):
        response = client_for(world[person]).post(path, {"summary": "Changed"})
        assert response.status_code == 403
    assert list(MatrixCell.objects.values_list("summary", flat=True)) == ["Kept"]


def test_matrix_cell_other_study_participant_404(world, client_for, team, small):  # noqa: F811
    stranger = small.participants.first()
    path = reverse("insight:matrix_cell", args=["coded", team.theme.pk, stranger.pk])
    assert client_for(world["member"]).get(path).status_code == 404


# Quotes ----------------------------------------------------------------------------------------


def test_quotes_page_filters(world, client_for, team):
    client = client_for(world["member"])
    path = reverse("insight:quotes", args=["coded"])
    html = client.get(path, {"polarity": "facilitator"}).content.decode()
    assert "“The carers group helps.” (clinician, nurse)" in html
    assert "We never have time" not in html
    rows = _csv(
        client.get(path, {"theme": team.theme.pk, "participant": team.p1.pk, "format": "csv"})
    )
    assert rows == [
        ["Quote", "Attribution", "Participant", "Source", "Codes", "Barrier or facilitator"],
        [
            "We never have time.",
            "primary care clinician, GP",
            "P1",
            "A interview",
            "Time pressure",
            "Barrier",
        ],
        [
            "No time here either.",
            "primary care clinician, GP",
            "P1",
            "B focus group",
            "Time pressure",
            "Barrier",
        ],
    ]


def test_quotes_special_attributes_dropped_for_reader(world, client_for, team):
    actions.update_study(by=None, study=team.study, descriptor_template="{role}, {gender}")
    lead = client_for(world["member"]).get(reverse("insight:quotes", args=["coded"]))
    assert "(GP, male)" in lead.content.decode()
    reader = client_for(world["outsider"]).get(reverse("insight:quotes", args=["coded"]))
    html = reader.content.decode()
    assert "(GP)" in html and "male" not in html


# Interventions ---------------------------------------------------------------------------------


def test_interventions_page_variants(world, client_for, team):
    client = client_for(world["cochair"])
    path = reverse("insight:interventions", args=["coded"])
    html = client.get(path).content.decode()
    assert "Environmental restructuring" in html and "Training" in html
    assert reverse("insight:candidate", args=["coded", team.theme.pk, "training"]) in html
    rows = _csv(client.get(path, {"variant": "2011", "format": "csv"}))
    assert [r[2:4] for r in rows[1:]] == [
        ["Restriction", "Yes"],
        ["Environmental restructuring", "Yes"],
        ["Enablement", "Yes"],
    ]


def test_candidate_lead_judges(world, client_for, team):
    client = client_for(world["cochair"])
    path = reverse("insight:candidate", args=["coded", team.theme.pk, "training"])
    assert client.get(path).status_code == 200
    response = client.post(
        path,
        {"note": "Protected time.", "apease_equity": "Helps part-time staff.", "selected": "on"},
    )
    assert response.status_code == 302
    candidate = InterventionCandidate.objects.get()
    assert (candidate.function, candidate.note, candidate.apease, candidate.selected) == (
        "training",
        "Protected time.",
        {"equity": "Helps part-time staff."},
        True,
    )
    rows = _xlsx(client.get(reverse("insight:interventions", args=["coded"]), {"format": "xlsx"}))
    assert rows[1] == [
        "Appointment time",
        "Physical opportunity",
        "Training",
        "Yes",
        None,
        None,
        None,
        None,
        None,
        "Helps part-time staff.",
        "Protected time.",
        "Yes",
    ]


def test_candidate_coder_refused(world, client_for, team):
    path = reverse("insight:candidate", args=["coded", team.theme.pk, "training"])
    response = client_for(world["member"]).post(path, {"note": "x", "selected": "on"})
    assert response.status_code == 403
    assert not InterventionCandidate.objects.exists()


def test_candidate_unknown_function_404(world, client_for, team):
    path = reverse("insight:candidate", args=["coded", team.theme.pk, "bribery"])
    assert client_for(world["cochair"]).get(path).status_code == 404


def test_send_to_project(world, client_for, team):
    actions.set_candidate(by=None, theme=team.theme, function="training", selected=True)
    client = client_for(world["cochair"])
    path = reverse("insight:send_to_project", args=["coded"])
    assert client.get(path).status_code == 405
    response = client.post(path)
    assert response.status_code == 302
    assert [i.text for i in Input.objects.filter(project=world["project"])] == [
        "Barrier: Appointment time (Physical opportunity). Suggested intervention: Training."
    ]
    # Again: nothing new, and the page says so.
    follow = client.post(path, follow=True)
    assert "already in the log" in follow.content.decode()
    assert Input.objects.count() == 1


def test_send_to_project_nothing_selected_message(world, client_for, team):
    response = client_for(world["cochair"]).post(
        reverse("insight:send_to_project", args=["coded"]), follow=True
    )
    assert "Mark at least one intervention" in response.content.decode()
    assert not Input.objects.exists()


def test_send_to_project_coder_refused(world, client_for, team):
    actions.set_candidate(by=None, theme=team.theme, function="training", selected=True)
    response = client_for(world["member"]).post(reverse("insight:send_to_project", args=["coded"]))
    assert response.status_code == 403
    assert not Input.objects.exists()


# Agreement -------------------------------------------------------------------------------------


def test_agreement_page_and_exports(world, client_for, two_coders):  # noqa: F811
    client = client_for(world["admin"])
    path = reverse("insight:agreement", args=["agree"])
    html = client.get(path, {"unit": "turn"}).content.decode()
    assert response_ok(html)
    assert "Cohen's kappa: X and Y" in html
    assert "0.533" in html and "0.467" in html
    assert "B: two." in html and "B: four." in html
    assert _csv(client.get(path, {"unit": "turn", "format": "csv"})) == [
        ["Code", "Krippendorff's alpha", "Cohen's kappa: X and Y"],
        ["K1", "0.533", "0.5"],
        ["K2", "0.533", "0.5"],
        ["All codes", "0.5", "0.467"],
    ]
    by_character = _csv(client.get(path, {"unit": "character", "format": "csv"}))
    assert by_character[0] == ["Code", "Krippendorff's alpha", "Cohen's kappa: X and Y"]


def test_agreement_chosen_coders(world, client_for, two_coders):  # noqa: F811
    t = two_coders
    html = (
        client_for(world["admin"])
        .get(reverse("insight:agreement", args=["agree"]), {"unit": "turn", "coders": [t.x.pk]})
        .content.decode()
    )
    assert "at least two coders" in html


def response_ok(html):
    return "Agreement between coders" in html


def test_outputs_refused_for_outsider_of_study(world, client_for, team):
    client = client_for(world["other_lead"])
    for name in ("table1", "barriers", "matrix", "quotes", "interventions", "agreement"):
        path = reverse(f"insight:{name}", args=["coded"])
        assert client.get(path).status_code == 403
        assert client.get(path, {"format": "csv"}).status_code == 403
