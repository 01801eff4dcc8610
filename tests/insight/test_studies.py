"""The studies area: list, create, overview, team, attributes, participants and their import."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from coproduce.insight import actions
from coproduce.insight.models import Attribute, Participant, Study, StudyMember, StudyRole
from coproduce.insight.views.studies import safe_url

from ..state import snapshot
from .sweep import build

# Engine-specific: also runs in the PostgreSQL pass (tests/test_suite_rules.py).
pytestmark = pytest.mark.postgres


@pytest.fixture
def objects(world):
    return build(world)


def _state():
    return snapshot(Study, StudyMember, Attribute, Participant)


def _csv(name, text):
    return SimpleUploadedFile(name, text.encode("utf-8"), "text/csv")


# Studies


def test_list_shows_only_visible_studies(world, client_for, objects):
    actions.create_study(by=None, organisation=world["other_org"], title="Elsewhere study")
    body = client_for(world["member"]).get(reverse("insight:list")).content.decode()
    assert "Barriers to coproduction" in body
    assert "Elsewhere study" not in body
    assert reverse("insight:create") not in body
    outsider = client_for(world["outsider"]).get(reverse("insight:list")).content.decode()
    assert "Barriers to coproduction" not in outsider
    assert "You are not in any study yet." in outsider


def test_list_offers_create_to_managers(world, client_for, objects):
    body = client_for(world["lead"]).get(reverse("insight:list")).content.decode()
    assert reverse("insight:create") in body
    assert "Barriers to coproduction" in body  # the lead manages the study's organisation


def test_list_query_count_bounded(world, client_for, objects):
    client = client_for(world["admin"])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("insight:list")).status_code == 200
        return len(ctx.captured_queries)

    small = count()
    for i in range(12):
        actions.create_study(
            by=None, organisation=world["org"], title=f"Study {i}", seed_comb=False
        )
    assert count() == small


def test_create_study_by_lead(world, client_for):
    response = client_for(world["lead"]).post(
        reverse("insight:create"),
        {
            "title": "Waiting times",
            "slug": "waiting",
            "organisation": world["org"].pk,
            "project": world["project"].pk,
            "description": "Why people wait",
            "descriptor_template": "{role}",
            "bcw_variant": "2011",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("insight:detail", args=["waiting"])
    study = Study.objects.get(slug="waiting")
    assert (study.organisation, study.project, study.bcw_variant) == (
        world["org"],
        world["project"],
        "2011",
    )
    assert list(study.members.values_list("person", "role")) == [(world["lead"].pk, "lead")]
    assert study.codes.count() == 6


def test_create_study_other_organisation_refused_on_form(world, client_for):
    response = client_for(world["other_lead"]).post(
        reverse("insight:create"),
        {
            "title": "Sneaky",
            "organisation": world["org"].pk,
            "descriptor_template": "{role}",
            "bcw_variant": "2014",
        },
    )
    assert response.status_code == 200
    assert not Study.objects.filter(title="Sneaky").exists()


def test_create_study_refused_for_member_changes_nothing(world, client_for):
    before = _state()
    response = client_for(world["cochair"]).post(
        reverse("insight:create"),
        {
            "title": "X",
            "organisation": world["org"].pk,
            "descriptor_template": "{role}",
            "bcw_variant": "2014",
        },
    )
    assert response.status_code == 403
    assert _state() == before


def test_detail_shows_counts_and_navigation(world, client_for, objects):
    response = client_for(world["member"]).get(reverse("insight:detail", args=["barriers"]))
    body = response.content.decode()
    assert response.status_code == 200
    counts = body.split("What the study holds", 1)[1].split("</table>", 1)[0]
    for label, value in [
        ("Participants", 1),
        ("Sources", 1),
        ("Codes", 6),
        ("Codings", 1),
        ("Themes", 1),
    ]:
        cell = f'<td class="nhsuk-table__cell nhsuk-table__cell--numeric">{value}</td>'
        assert f"{label}</th>\n      {cell}" in counts
    nav = body.split('class="nhsuk-contents-list coproduce-study-nav"', 1)[1].split("</nav>", 1)[0]
    assert f'href="{reverse("insight:detail", args=["barriers"])}" aria-current="page"' in nav
    assert reverse("insight:sources", args=["barriers"]) in nav
    # A coder does not manage the team or pseudonymise.
    assert reverse("insight:members", args=["barriers"]) not in nav
    assert reverse("insight:pseudonymise", args=["barriers"]) not in nav


def test_safe_url_returns_none_for_missing_area():
    assert safe_url("insight:no_such_area", "barriers") is None
    assert safe_url("insight:detail", "barriers") == "/insight/barriers/"


def test_nav_marks_area_of_sub_page(world, client_for, objects):
    path = reverse("insight:participant", args=["barriers", objects["participant"].pk])
    body = client_for(world["cochair"]).get(path).content.decode()
    nav = body.split('class="nhsuk-contents-list coproduce-study-nav"', 1)[1].split("</nav>", 1)[0]
    assert f'href="{reverse("insight:participants", args=["barriers"])}" aria-current="true"' in nav
    assert reverse("insight:members", args=["barriers"]) in nav


def test_update_study_by_lead_researcher(world, client_for, objects):
    response = client_for(world["cochair"]).post(
        reverse("insight:update", args=["barriers"]),
        {
            "title": "Barriers, revised",
            "slug": "barriers",
            "project": "",
            "description": "New aims",
            "descriptor_template": "{sample_group}",
            "bcw_variant": "2014",
        },
    )
    assert response.status_code == 302
    study = Study.objects.get(slug="barriers")
    assert (study.title, study.description, study.project) == (
        "Barriers, revised",
        "New aims",
        None,
    )


def test_update_study_refused_for_coder_changes_nothing(world, client_for, objects):
    before = _state()
    response = client_for(world["member"]).post(
        reverse("insight:update", args=["barriers"]), {"title": "Hacked", "slug": "barriers"}
    )
    assert response.status_code == 403
    assert _state() == before


# Team


def test_members_add_change_and_remove(world, client_for, objects):
    client = client_for(world["cochair"])
    path = reverse("insight:members", args=["barriers"])
    page = client.get(path).content.decode()
    assert "Lee Lead" in page  # on the organisation's register, not yet in the team
    response = client.post(path, {"person": world["lead"].pk, "role": "viewer"})
    assert response.status_code == 302
    member = StudyMember.objects.get(study=objects["study"], person=world["lead"])
    assert member.role == "viewer"
    client.post(reverse("insight:member_role", args=["barriers", member.pk]), {"role": "coder"})
    member.refresh_from_db()
    assert member.role == "coder"
    client.post(reverse("insight:member_remove", args=["barriers", member.pk]))
    assert not StudyMember.objects.filter(pk=member.pk).exists()


def test_members_outsider_not_offered(world, client_for, objects):
    page = client_for(world["cochair"]).get(reverse("insight:members", args=["barriers"]))
    assert "Nia Nobody" not in page.content.decode()
    response = client_for(world["cochair"]).post(
        reverse("insight:members", args=["barriers"]),
        {"person": world["outsider"].pk, "role": "coder"},
    )
    assert response.status_code == 200
    assert not StudyMember.objects.filter(person=world["outsider"]).exists()


def test_member_remove_last_lead_refused(world, client_for, objects):
    study = objects["study"]
    admin_member = study.members.get(person=world["admin"])
    actions.remove_member(by=None, member=admin_member)
    lead = study.members.get(person=world["cochair"])
    response = client_for(world["cochair"]).post(
        reverse("insight:member_remove", args=["barriers", lead.pk]), follow=True
    )
    assert "A study needs at least one lead researcher." in response.content.decode()
    assert StudyMember.objects.filter(pk=lead.pk).exists()


def test_member_remove_refused_for_coder_changes_nothing(world, client_for, objects):
    lead = objects["study"].members.get(person=world["cochair"])
    before = _state()
    response = client_for(world["member"]).post(
        reverse("insight:member_remove", args=["barriers", lead.pk])
    )
    assert response.status_code == 403
    assert _state() == before


# Attributes


def test_attributes_define_new(world, client_for, objects):
    response = client_for(world["cochair"]).post(
        reverse("insight:attributes", args=["barriers"]),
        {"label": "Health board", "name": "", "type": "text", "special_category": ""},
    )
    assert response.status_code == 302
    attribute = Attribute.objects.get(study=objects["study"], name="health_board")
    assert (attribute.label, attribute.type, attribute.special_category) == (
        "Health board",
        "text",
        False,
    )


def test_attributes_refused_for_coder_changes_nothing(world, client_for, objects):
    before = _state()
    response = client_for(world["member"]).post(
        reverse("insight:attributes", args=["barriers"]), {"label": "X", "type": "text"}
    )
    assert response.status_code == 403
    assert _state() == before


# Participants


def test_participants_table_filters_by_attribute(world, client_for, objects):
    study = objects["study"]
    actions.add_participant(
        by=None,
        study=study,
        identifier="C01",
        attributes={"sample_group": "Clinician", "gender": "Female"},
    )
    client = client_for(world["member"])
    path = reverse("insight:participants", args=["barriers"])
    body = client.get(path).content.decode()
    assert ">P01</a>" in body and ">C01</a>" in body
    assert "2 participants" in body
    filtered = client.get(path, {"sample_group": "Clinician"}).content.decode()
    assert ">C01</a>" in filtered and ">P01</a>" not in filtered
    assert "1 participant" in filtered


def test_participants_special_category_hidden_from_readers(world, client_for, objects):
    study = objects["study"]
    actions.add_participant(by=None, study=study, identifier="C01", attributes={"gender": "Female"})
    actions.set_member(by=None, study=study, person=world["outsider"], role=StudyRole.VIEWER)
    path = reverse("insight:participants", args=["barriers"])
    reader = client_for(world["outsider"]).get(path).content.decode()
    assert "Gender" not in reader and "Female" not in reader
    # A filter on a hidden attribute is ignored rather than revealing who matches.
    assert (
        ">C01</a>" in client_for(world["outsider"]).get(path, {"gender": "Male"}).content.decode()
    )
    coder = client_for(world["member"]).get(path).content.decode()
    assert "Gender" in coder and "Female" in coder


def test_participant_detail_shows_sources_and_memos(world, client_for, objects):
    participant = objects["participant"]
    actions.write_memo(
        by=None,
        study=objects["study"],
        text="Spoke warmly about the nurse.",
        participant=participant,
    )
    body = (
        client_for(world["member"])
        .get(reverse("insight:participant", args=["barriers", participant.pk]))
        .content.decode()
    )
    assert "Interview P01 – 1 turn" in body
    assert "Spoke warmly about the nurse." in body
    assert "Public" in body


def test_participant_create_and_update(world, client_for, objects):
    client = client_for(world["cochair"])
    response = client.post(
        reverse("insight:participant_create", args=["barriers"]),
        {
            "identifier": "P02",
            "speaker_labels": "Mair, Mrs Evans",
            "attr_sample_group": "Public",
            "attr_age_band": "65+",
        },
    )
    assert response.status_code == 302
    participant = Participant.objects.get(identifier="P02")
    assert participant.attributes == {"sample_group": "Public", "age_band": "65+"}
    assert participant.speaker_labels == ["Mair", "Mrs Evans"]
    response = client.post(
        reverse("insight:participant_update", args=["barriers", participant.pk]),
        {"identifier": "P02b", "speaker_labels": "", "attr_sample_group": "Carer"},
    )
    assert response.status_code == 302
    participant.refresh_from_db()
    assert (participant.identifier, participant.attributes, participant.speaker_labels) == (
        "P02b",
        {"sample_group": "Carer"},
        [],
    )


def test_participant_create_duplicate_identifier_shows_error(world, client_for, objects):
    before = _state()
    response = client_for(world["cochair"]).post(
        reverse("insight:participant_create", args=["barriers"]), {"identifier": "P01"}
    )
    assert response.status_code == 200
    assert "Another participant already has this identifier." in response.content.decode()
    assert _state() == before


def test_participant_create_refused_for_coder_changes_nothing(world, client_for, objects):
    before = _state()
    response = client_for(world["member"]).post(
        reverse("insight:participant_create", args=["barriers"]), {"identifier": "P77"}
    )
    assert response.status_code == 403
    assert _state() == before


# Import


def test_import_csv_adds_and_updates(world, client_for, objects):
    data = (
        "identifier,Sample group,age_band\r\nP01,Carer,\r\nP02,Public,45-64\r\n,,\r\n"
        "P03,Public,25–44 ŵ\r\n"
    )
    response = client_for(world["cochair"]).post(
        reverse("insight:participants_import", args=["barriers"]),
        {"upload": _csv("people.csv", data), "unknown": "refuse"},
    )
    assert response.status_code == 302
    rows = dict(Participant.objects.values_list("identifier", "attributes"))
    assert rows == {
        "P01": {"sample_group": "Carer", "role": "patient"},
        "P02": {"sample_group": "Public", "age_band": "45-64"},
        "P03": {"sample_group": "Public", "age_band": "25–44 ŵ"},
    }


def test_import_xlsx(world, client_for, objects):
    book = Workbook()
    sheet = book.active
    sheet.append(["identifier", "gender", "role"])
    sheet.append(["C01", "Female", "GP"])
    sheet.append(["C02", None, "Nurse"])
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("people.xlsx", buffer.getvalue())
    response = client_for(world["cochair"]).post(
        reverse("insight:participants_import", args=["barriers"]),
        {"upload": upload, "unknown": "refuse"},
    )
    assert response.status_code == 302
    assert Participant.objects.get(identifier="C01").attributes == {
        "gender": "Female",
        "role": "GP",
    }
    assert Participant.objects.get(identifier="C02").attributes == {"role": "Nurse"}


def test_import_bad_rows_import_nothing_and_list_errors(world, client_for, objects):
    actions.define_attribute(by=None, study=objects["study"], name="interviews", type="integer")
    before = _state()
    data = "identifier,interviews\nP02,2\n,3\nP03,many\nP02,1\n"
    response = client_for(world["cochair"]).post(
        reverse("insight:participants_import", args=["barriers"]),
        {"upload": _csv("people.csv", data), "unknown": "refuse"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Row 3: the identifier is missing." in body
    assert "Row 4: “many” is not a valid value for Interviews." in body
    assert "Row 5: P02 is also on row 2." in body
    assert _state() == before


def test_import_unknown_columns_refused_with_names(world, client_for, objects):
    before = _state()
    response = client_for(world["cochair"]).post(
        reverse("insight:participants_import", args=["barriers"]),
        {
            "upload": _csv("p.csv", "identifier,Health board,Shoe size\nP05,BCUHB,9\n"),
            "unknown": "refuse",
        },
    )
    assert response.status_code == 200
    assert (
        "These columns are not attributes of the study: Health board, Shoe size."
        in response.content.decode()
    )
    assert _state() == before


def test_import_unknown_columns_created_as_text(world, client_for, objects):
    response = client_for(world["cochair"]).post(
        reverse("insight:participants_import", args=["barriers"]),
        {"upload": _csv("p.csv", "identifier,Health board\nP05,BCUHB\n"), "unknown": "create"},
    )
    assert response.status_code == 302
    attribute = Attribute.objects.get(study=objects["study"], name="health_board")
    assert (attribute.label, attribute.type) == ("Health board", "text")
    assert Participant.objects.get(identifier="P05").attributes == {"health_board": "BCUHB"}


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("p.txt", b"identifier\nP1\n", "The file must be a CSV or Excel (.xlsx) file."),
        ("p.csv", b"", "The submitted file is empty."),
        ("p.xlsx", b"not excel", "The Excel file could not be read."),
        ("p.csv", b"name\nP1\n", "The file needs a column headed “identifier”."),
    ],
)
def test_import_bad_files_refused(world, client_for, objects, name, content, message):
    before = _state()
    response = client_for(world["cochair"]).post(
        reverse("insight:participants_import", args=["barriers"]),
        {"upload": SimpleUploadedFile(name, content), "unknown": "refuse"},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert _state() == before


def test_import_refused_for_coder_changes_nothing(world, client_for, objects):
    before = _state()
    response = client_for(world["member"]).post(
        reverse("insight:participants_import", args=["barriers"]),
        {"upload": _csv("p.csv", "identifier\nP09\n"), "unknown": "refuse"},
    )
    assert response.status_code == 403
    assert _state() == before


def test_participants_query_count_bounded(world, client_for, objects):
    study, client = objects["study"], client_for(world["cochair"])
    path = reverse("insight:participants", args=["barriers"])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        return len(ctx.captured_queries)

    small = count()
    for i in range(30):
        actions.add_participant(
            by=None, study=study, identifier=f"X{i:02}", attributes={"sample_group": "Public"}
        )
    assert count() == small


def test_study_nav_include_without_study_nav_lists_core_areas(rf, world, objects):
    from django.template import engines
    from django.urls import resolve

    request = rf.get("/insight/barriers/sources/")
    request.resolver_match = resolve(request.path)
    request.user = world["member"].user
    html = (
        engines["jinja2"]
        .get_template("insight/_study_nav.html")
        .render({"study": objects["study"]}, request)
    )
    assert 'href="/insight/barriers/"' in html
    assert 'href="/insight/barriers/participants/"' in html
    assert 'href="/insight/barriers/sources/" aria-current="page"' in html


def test_participants_filter_on_attribute_named_like_a_lookup(world, client_for, objects):
    study = objects["study"]
    actions.define_attribute(by=None, study=study, name="contains", label="Contains")
    actions.add_participant(by=None, study=study, identifier="Q01", attributes={"contains": "x"})
    path = reverse("insight:participants", args=["barriers"])
    body = client_for(world["cochair"]).get(path, {"contains": "x"}).content.decode()
    assert ">Q01</a>" in body and ">P01</a>" not in body
