"""The sources area: listing, importing transcripts, naming speakers, pseudonymising."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coproduce.core.models import AuditEvent
from coproduce.insight import actions, pseudonymise
from coproduce.insight.models import (
    Coding,
    PseudonymEntry,
    Source,
    StudyRole,
    Turn,
)
from coproduce.insight.selectors import sources as selectors

from .sweep import build

# Engine-specific: also runs in the PostgreSQL pass (tests/test_suite_rules.py).
pytestmark = pytest.mark.postgres

OLD = (
    "Interviewer: Croeso, Siân. Sut mae’r clinig yn Llandudno? 😀\n"
    "Siân: Mae Dr Jones yn wych ŵ, ond roedd Siân yn hwyr.\n"
)
NEW = (
    "Interviewer: Croeso, [Person 1]. Sut mae’r clinig yn [Place 1]? 😀\n"
    "[Person 1]: Mae Dr [Person 2] yn wych ŵ, ond roedd [Person 1] yn hwyr.\n"
)
REPLACEMENTS = {
    "Siân": ("[Person 1]", "person"),
    "Jones": ("[Person 2]", "person"),
    "Llandudno": ("[Place 1]", "place"),
}


@pytest.fixture
def objects(world):
    return build(world)


def _state():
    return (
        Source.objects.count(),
        Turn.objects.count(),
        sorted(Source.objects.values_list("text", flat=True)),
        sorted(Turn.objects.values_list("start", "end", "speaker", "participant")),
        sorted(Coding.objects.values_list("start", "end")),
        PseudonymEntry.objects.count(),
    )


def _upload(name, text):
    return SimpleUploadedFile(name, text.encode("utf-8"), "application/octet-stream")


# Listing


def test_sources_list_shows_counts(world, client_for, objects):
    response = client_for(world["member"]).get(reverse("insight:sources", args=["barriers"]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Interview P01" in body
    row = body.split("Interview P01", 1)[1].split("</tr>", 1)[0]
    assert '<td class="nhsuk-table__cell">P01</td>' in row
    assert row.count('nhsuk-table__cell--numeric">2</td>') == 1  # turns
    assert row.count('nhsuk-table__cell--numeric">1</td>') == 1  # codings


def _count(client, path):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_sources_list_query_count_bounded(world, client_for, objects):
    study, client = objects["study"], client_for(world["cochair"])
    path = reverse("insight:sources", args=["barriers"])
    for i in range(2):
        actions.add_source(
            by=None, study=study, name=f"S{i}", text="P01: hi", turns=[("P01", 0, 7)]
        )
    small = _count(client, path)
    for i in range(2, 20):
        actions.add_source(
            by=None, study=study, name=f"S{i}", text="P01: hi", turns=[("P01", 0, 7)]
        )
    assert _count(client, path) == small


# Import


def test_source_import_batch_reports_turns_and_speakers(world, client_for, objects):
    vtt = (
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Mari>Helo ŵ</v>\n\n"
        "00:00:02.000 --> 00:00:03.000\n<v P01>Bore da</v>\n"
    )
    response = client_for(world["member"]).post(
        reverse("insight:source_import", args=["barriers"]),
        {
            "files": [
                _upload("Interview 2.txt", "Interviewer: Sut wyt ti?\r\nP01: Iawn ’ 😀\r\n"),
                _upload("Group 1.vtt", vtt),
            ],
            "kind": "focus_group",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "2 sources imported." in body
    second = Source.objects.get(name="Interview 2")
    assert (second.kind, second.original_filename) == ("focus_group", "Interview 2.txt")
    assert second.text == "Interviewer: Sut wyt ti?\nP01: Iawn ’ 😀\n"
    assert list(second.turns.values_list("speaker", "start", "end", "participant")) == [
        ("Interviewer", 0, 24, None),
        ("P01", 25, 38, objects["participant"].pk),
    ]
    group = Source.objects.get(name="Group 1")
    assert group.text == "Mari: Helo ŵ\nP01: Bore da"
    assert "P01 → P01" in body
    assert "Mari" in body.split("Group 1", 1)[1]


def test_source_import_all_or_nothing_on_bad_file(world, client_for, objects):
    before = _state()
    response = client_for(world["member"]).post(
        reverse("insight:source_import", args=["barriers"]),
        {
            "files": [
                _upload("good.txt", "P01: fine"),
                _upload("bad.pdf", "%PDF"),
                _upload("empty.txt", ""),
            ],
            "kind": "interview",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "bad.pdf: only .txt, .docx, .odt, .vtt and .srt files can be imported." in body
    assert "empty.txt" in body
    assert _state() == before


def test_source_import_all_or_nothing_on_name_clash(world, client_for, objects):
    before = _state()
    response = client_for(world["member"]).post(
        reverse("insight:source_import", args=["barriers"]),
        {
            "files": [
                _upload("new one.txt", "P01: fine"),
                _upload("Interview P01.txt", "P01: again"),
            ],
            "kind": "interview",
        },
    )
    assert response.status_code == 200
    assert "Interview P01.txt: Another source already has this name." in response.content.decode()
    assert _state() == before


def test_source_import_more_than_20_files_refused(world, client_for, objects):
    before = _state()
    response = client_for(world["member"]).post(
        reverse("insight:source_import", args=["barriers"]),
        {"files": [_upload(f"f{i}.txt", "P01: x") for i in range(21)], "kind": "interview"},
    )
    assert response.status_code == 200
    assert "Import at most 20 files at a time." in response.content.decode()
    assert _state() == before


def test_source_import_refused_for_reader_changes_nothing(world, client_for, objects):
    actions.set_member(
        by=None, study=objects["study"], person=world["outsider"], role=StudyRole.VIEWER
    )
    before = _state()
    response = client_for(world["outsider"]).post(
        reverse("insight:source_import", args=["barriers"]),
        {"files": [_upload("x.txt", "P01: hi")], "kind": "interview"},
    )
    assert response.status_code == 403
    assert _state() == before


# Speakers


def test_source_speakers_links_and_unlinks(world, client_for, objects):
    study = objects["study"]
    p02 = actions.add_participant(by=None, study=study, identifier="P02")
    source = actions.add_source(
        by=None,
        study=study,
        name="Group",
        kind="focus_group",
        text="Mari: one\nGwen: two\nMari: three",
        turns=[("Mari", 0, 9), ("Gwen", 10, 19), ("Mari", 20, 31)],
    )
    path = reverse("insight:source_speakers", args=["barriers", source.pk])
    page = client_for(world["member"]).get(path).content.decode()
    assert "A focus group has many speakers" in page
    response = client_for(world["member"]).post(
        path, {"speaker_0": str(p02.pk), "speaker_1": str(objects["participant"].pk)}
    )
    assert response.status_code == 302
    assert list(source.turns.values_list("speaker", "participant")) == [
        ("Mari", objects["participant"].pk),
        ("Gwen", p02.pk),
        ("Mari", objects["participant"].pk),
    ]
    assert set(source.participants.values_list("identifier", flat=True)) == {"P01", "P02"}
    client_for(world["member"]).post(path, {"speaker_0": str(p02.pk), "speaker_1": ""})
    assert list(source.turns.values_list("participant", flat=True)) == [None, p02.pk, None]


def test_source_speakers_refused_for_reader_changes_nothing(world, client_for, objects):
    actions.set_member(
        by=None, study=objects["study"], person=world["outsider"], role=StudyRole.VIEWER
    )
    before = _state()
    response = client_for(world["outsider"]).post(
        reverse("insight:source_speakers", args=["barriers", objects["source"].pk]),
        {"speaker_0": ""},
    )
    assert response.status_code == 403
    assert _state() == before


# Pseudonymisation: the action


@pytest.fixture
def welsh_source(world, objects):
    study = objects["study"]
    participant = actions.add_participant(
        by=None, study=study, identifier="P09", speaker_labels=["Siân"]
    )
    source = actions.add_source(
        by=None,
        study=study,
        name="Cyfweliad Siân",
        text=OLD,
        turns=[("Interviewer", 0, 59), ("Siân", 60, 113)],
    )
    coder = actions.coder_for(study=study, person=world["member"])
    code = objects["code"]
    spans = [(70, 88), (51, 59), (105, 112), (100, 104)]
    codings = [
        actions.add_coding(by=None, source=source, codes=[code], start=a, end=b, coder=coder)[0]
        for a, b in spans
    ]
    memo = actions.write_memo(by=None, study=study, text="Note", coding=codings[0])
    return source, participant, codings, memo


def test_apply_pseudonyms_moves_offsets_exactly(world, objects, welsh_source):
    source, participant, codings, memo = welsh_source
    report = actions.apply_pseudonyms(
        by=world["cochair"].user, study=objects["study"], replacements=REPLACEMENTS
    )
    source.refresh_from_db()
    assert source.text == NEW
    assert source.name == "Cyfweliad [Person 1]"
    assert list(source.turns.values_list("speaker", "start", "end")) == [
        ("Interviewer", 0, 65),
        ("[Person 1]", 66, 136),
    ]
    moved = [Coding.objects.get(pk=c.pk) for c in codings]
    assert [(c.start, c.end) for c in moved] == [(82, 105), (53, 65), (128, 135), (117, 127)]
    assert [NEW[c.start : c.end] for c in moved] == [
        "Dr [Person 2] yn wych ŵ",
        "[Place 1]? 😀",  # started inside "Llandudno": now covers all of its replacement
        "yn hwyr",
        "[Person 1]",
    ]
    memo.refresh_from_db()
    assert memo.coding_id == codings[0].pk
    participant.refresh_from_db()
    assert participant.speaker_labels == ["[Person 1]"]
    assert report == {
        "names": 3,
        "replacements": 5,
        "sources": 1,
        "turns": 2,
        "codings": 4,
        "participants": 1,
        "attributes": 0,
        "memos": 0,
        "matrix_cells": 0,
        "interventions": 0,
        "themes": 0,
        "codes": 0,
    }
    key = list(PseudonymEntry.objects.values_list("original", "replacement", "kind", "occurrences"))
    assert key == [
        ("Jones", "[Person 2]", "person", 1),
        ("Llandudno", "[Place 1]", "place", 1),
        ("Siân", "[Person 1]", "person", 3),
    ]
    event = AuditEvent.objects.get(action="study.pseudonymise")
    dumped = json.dumps(event.changes, ensure_ascii=False) + event.object_repr
    assert all(name not in dumped for name in ("Siân", "Jones", "Llandudno"))
    assert event.changes == report


def test_apply_pseudonyms_leaves_other_sources_and_the_sweep_source(world, objects, welsh_source):
    before = Source.objects.get(pk=objects["source"].pk).text
    actions.apply_pseudonyms(by=None, study=objects["study"], replacements=REPLACEMENTS)
    assert Source.objects.get(pk=objects["source"].pk).text == before
    coding = Coding.objects.get(pk=objects["coding"].pk)
    assert (coding.start, coding.end) == (30, 61)


def test_apply_pseudonyms_whole_word_case_sensitive(world, objects):
    text = "Ann met Anne and ann; Ann’s dog.\n"
    source = actions.add_source(by=None, study=objects["study"], name="W", text=text)
    actions.apply_pseudonyms(
        by=None, study=objects["study"], replacements={"Ann": ("[P]", "person")}
    )
    source.refresh_from_db()
    assert source.text == "[P] met Anne and ann; [P]’s dog.\n"


@pytest.mark.parametrize(
    "replacements,message",
    [
        ({"Siân": ("", "person")}, "Give a replacement for every name you chose."),
        ({"Siân": ("Siân", "person")}, "A replacement must differ from the name it replaces."),
        (
            {"Siân": ("[X]", "alien")},
            "Choose whether each name is a person, place, organisation or other.",
        ),
        ({}, "Choose at least one name to replace."),
    ],
)
def test_apply_pseudonyms_refuses_bad_input_changing_nothing(
    world, objects, welsh_source, replacements, message
):
    from django.core.exceptions import ValidationError

    before = _state()
    with pytest.raises(ValidationError) as caught:
        actions.apply_pseudonyms(by=None, study=objects["study"], replacements=replacements)
    assert caught.value.messages == [message]
    assert _state() == before


def test_find_candidates_names_places_titles_and_speakers():
    texts = [
        (
            "Interview",
            "Interviewer: Where do you live?\nP01: I live in Aberaeron. Dr Price was kind.\n"
            "P01: Then Siân Evans came. The NHS was slow. We met Rhodri near Bala.\n",
        )
    ]
    found = {c.text: c for c in pseudonymise.find(texts, ["Interviewer", "P01", "Mair"])}
    assert {name: c.kind for name, c in found.items()} == {
        "Aberaeron": "place",
        "Price": "person",
        "Siân Evans": "person",
        "Rhodri": "person",
        "Bala": "place",
        "Mair": "person",
    }
    assert found["Price"].count == 1
    assert found["Aberaeron"].context.startswith("…")
    assert found["Aberaeron"].suggestion == "[Place 1]"


# Pseudonymisation: the pages


def test_pseudonymise_page_lists_candidates(world, client_for, objects, welsh_source):
    response = client_for(world["cochair"]).get(reverse("insight:pseudonymise", args=["barriers"]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Llandudno" in body and "Jones" in body and "[Place 1]" in body


def test_pseudonymise_post_applies_chosen(world, client_for, objects, welsh_source):
    client = client_for(world["cochair"])
    path = reverse("insight:pseudonymise", args=["barriers"])
    candidates = selectors.pseudonym_candidates(objects["study"])
    data = {"extra_original": "", "extra_replacement": "", "extra_kind": "person"}
    for i, candidate in enumerate(candidates):
        data[f"original_{i}"] = candidate.text
        data[f"replacement_{i}"] = REPLACEMENTS.get(candidate.text, ("x", ""))[0]
        data[f"kind_{i}"] = REPLACEMENTS.get(candidate.text, ("", "person"))[1]
        if candidate.text in REPLACEMENTS:
            data[f"pick_{i}"] = "on"
    response = client.post(path, data)
    assert response.status_code == 302
    source, *_rest = welsh_source
    source.refresh_from_db()
    assert source.text == NEW


def test_pseudonymise_post_with_nothing_chosen_shows_error(
    world, client_for, objects, welsh_source
):
    before = _state()
    response = client_for(world["cochair"]).post(
        reverse("insight:pseudonymise", args=["barriers"]),
        {"extra_original": "", "extra_replacement": "", "extra_kind": "person"},
    )
    assert response.status_code == 200
    assert "Choose at least one name to replace." in response.content.decode()
    assert _state() == before


def test_pseudonymise_refused_for_coder_changes_nothing(world, client_for, objects, welsh_source):
    before = _state()
    response = client_for(world["member"]).post(
        reverse("insight:pseudonymise", args=["barriers"]),
        {"extra_original": "Siân", "extra_replacement": "[P]", "extra_kind": "person"},
    )
    assert response.status_code == 403
    assert _state() == before


def test_pseudonym_key_only_for_key_holders(world, client_for, objects, welsh_source):
    actions.apply_pseudonyms(by=None, study=objects["study"], replacements=REPLACEMENTS)
    path = reverse("insight:pseudonym_key", args=["barriers"])
    body = client_for(world["cochair"]).get(path).content.decode()
    assert "Llandudno" in body and "[Place 1]" in body
    assert client_for(world["lead"]).get(path).status_code == 403
    assert client_for(world["member"]).get(path).status_code == 403
