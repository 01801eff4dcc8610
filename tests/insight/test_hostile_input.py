"""Every importer against hostile files: zip bombs, lying zip headers, entity expansion, deep
nesting, unsafe names, invalid text, positions outside the text, wrong types, huge spaces and
rows. Each is refused with one clear message, writes nothing, and (for the bombs) stays within a
small memory budget; and an import whose worker dies does not stay "running" for ever.

The four findings these guard against: a QDPX zip bomb (and the CLI's OverflowError), the ODT
text:c of fifty million spaces, the DOCX bomb in a web worker, and spreadsheets of millions of
rows read whole before the row limit."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from coproduce import cli
from coproduce.core.models import AuditEvent
from coproduce.insight import actions, exchange, transcripts
from coproduce.insight.forms.studies import ParticipantImportForm
from coproduce.insight.models import (
    Attribute,
    Code,
    Coder,
    Coding,
    Job,
    JobStatus,
    Memo,
    Participant,
    Source,
    Study,
    Theme,
    Turn,
)
from tests import hostile

from .sweep import build

MB = hostile.MB
# Python memory allowed while a bomb is refused: the bombs unpack to 100 MB or more.
BUDGET = 16 * MB
UNPACKED_100 = "holds 100.0 MB once unpacked; the limit is 64.0 MB."


@pytest.fixture
def objects(world):
    return build(world)


@pytest.fixture
def study(objects):
    return objects["study"]


def _state():
    """Counts of everything an import could write, and of audit events other than the jobs'
    own (a refused job is recorded as started and failed)."""
    models = (Source, Turn, Coding, Code, Coder, Participant, Attribute, Memo, Theme, Study)
    events = AuditEvent.objects.exclude(action__startswith="job.")
    return tuple(m.objects.count() for m in models) + (events.count(),)


def _upload(name, data):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def _refused(call) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.messages


# Finding 1: QDPX zip bomb --------------------------------------------------------------------


def test_qdpx_zip_bomb_refused_within_memory(study, tmp_path):
    path = tmp_path / "bomb.qdpx"
    path.write_bytes(hostile.qdpx_bomb(100 * MB))
    assert path.stat().st_size < 200 * 1024
    before = _state()
    raised, peak = hostile.peak_while(
        lambda: actions.import_qdpx(by=None, study=study, file=str(path))
    )
    assert raised.messages == [f"The file “bomb.qdpx” {UNPACKED_100}"]
    assert peak < BUDGET
    assert _state() == before


def test_qdpx_zip_bomb_upload_refused_on_form(world, objects, client_for):
    client = client_for(world["cochair"])  # signing in is audited too
    before = _state()
    response = client.post(
        reverse("insight:import_qdpx", args=["barriers"]),
        {"file": _upload("bomb.qdpx", hostile.qdpx_bomb(100 * MB))},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert f"The file “bomb.qdpx” {UNPACKED_100}" in body
    assert 'href="#id_file"' in body
    assert Job.objects.count() == 0
    assert _state() == before


def test_qdpx_upload_over_size_limit_refused_on_form(world, objects, client_for, settings):
    settings.COPRODUCE_LIMITS = {"upload_bytes": 1000}
    response = client_for(world["cochair"]).post(
        reverse("insight:import_qdpx", args=["barriers"]),
        {"file": _upload("codebook.qdc", b"<CodeBook>" + b" " * 2038 + b"</CodeBook>")},
    )
    assert response.status_code == 200
    assert "The file “codebook.qdc” is 2.0 KB; the limit is 1000 bytes." in (
        response.content.decode()
    )
    assert Job.objects.count() == 0


def test_qdpx_lying_header_fails_job_and_changes_nothing(
    world, objects, client_for, django_capture_on_commit_callbacks
):
    # The header claims 1 KB, so the upload is accepted; the worker finds out as it unpacks.
    data = hostile.lying(hostile.qdpx_bomb(10 * MB), hostile.SOURCE_MEMBER, 1024)
    client = client_for(world["cochair"])  # signing in is audited too
    before = _state()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("insight:import_qdpx", args=["barriers"]),
            {"file": _upload("lying.qdpx", data)},
        )
    job = Job.objects.get()
    assert (job.status, job.error, job.input_file.name, job.input_name) == (
        JobStatus.FAILED,
        "The file “lying.qdpx” is damaged and cannot be unpacked.",
        "",
        "lying.qdpx",
    )
    assert job.can_retry is False
    assert _state() == before


def test_qdpx_bomb_from_cli_refused(world, tmp_path, capsys):
    # Found with a 3 MB file claiming 3 GiB (OverflowError); the claim alone now refuses it.
    path = tmp_path / "huge.qdpx"
    path.write_bytes(hostile.lying(hostile.qdpx(), hostile.SOURCE_MEMBER, 3 * 1024**3))
    code = cli.main(
        ["insight", "import-qdpx", str(path), "--study", "bombed", "--organisation", "dyffryn-teg"]
    )
    assert code == 2
    assert capsys.readouterr().err == (
        "error: The file “huge.qdpx” holds 3072.0 MB once unpacked; the limit is 64.0 MB.\n"
    )
    assert not Study.objects.filter(slug="bombed").exists()


QDE_LAUGHS = hostile.project_qde(
    doctype=hostile.billion_laughs(), body="<Description>&lol9;</Description>"
)


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            {"project.qde": QDE_LAUGHS},
            "The file “project.qde” declares its own XML entities, which are not accepted.",
        ),
        (
            {"project.qde": hostile.project_qde(body=hostile.nested(5000))},
            "The file “project.qde” nests its content more than 100 levels deep.",
        ),
        (
            {"project.qde": hostile.project_qde(), "../../x": b"x"},
            "The file “hostile.qdpx” contains a file with an unsafe name: ../../x",
        ),
        (
            {"project.qde": hostile.project_qde(), "/etc/cron.d/x": b"x"},
            "The file “hostile.qdpx” contains a file with an unsafe name: /etc/cron.d/x",
        ),
        (
            {
                "project.qde": hostile.project_qde(hostile.text_source()),
                hostile.SOURCE_MEMBER: b"P01: \xff\xfe caf\xc3",
            },
            "The text of source “Notes file” is not UTF-8.",
        ),
        (
            {
                "project.qde": hostile.project_qde(hostile.text_source(start=5, end=999)),
                hostile.SOURCE_MEMBER: b"P01: the bus never comes.\n",
            },
            "A selection in “Notes file” (5 to 999) is outside its text, which has 26 "
            "characters; nothing was imported.",
        ),
        (
            {
                "project.qde": hostile.project_qde(hostile.text_source(start=-3, end=2)),
                hostile.SOURCE_MEMBER: b"P01: the bus never comes.\n",
            },
            "A selection in “Notes file” (-3 to 2) is outside its text, which has 26 "
            "characters; nothing was imported.",
        ),
    ],
    ids=["billion-laughs", "deep", "traversal", "absolute", "not-utf8", "offsets", "negative"],
)
def test_qdpx_hostile_contents_refused(study, files, message):
    before = _state()
    data = hostile.zip_of(files)
    messages = _refused(
        lambda: actions.import_qdpx(
            by=None, study=study, parsed=exchange.read_qdpx(io.BytesIO(data), name="hostile.qdpx")
        )
    )
    assert messages == [message]
    assert _state() == before


def test_qdpx_png_with_qdpx_name_refused(study):
    messages = _refused(lambda: exchange.read_qdpx(io.BytesIO(hostile.PNG), name="picture.qdpx"))
    assert messages == ["This is not a REFI-QDA project file (.qdpx): it is not a zip archive."]


def test_qdpx_source_over_character_limit_refused(study, settings):
    settings.COPRODUCE_LIMITS = {"source_chars": 1000}
    data = hostile.qdpx(b"P01: " + b"a" * 2000)
    before = _state()
    messages = _refused(lambda: actions.import_qdpx(by=None, study=study, file=io.BytesIO(data)))
    assert messages == [
        "“Notes file” has more than 1,000 characters of text, the most one source can hold."
    ]
    assert _state() == before


def test_qdpx_valid_project_still_imports(study):
    report = actions.import_qdpx(by=None, study=study, file=io.BytesIO(hostile.qdpx()))
    assert report["imported"] == {
        "users": 1,  # the "imported" coder, as the coding names none
        "codes": 1,
        "sources": 1,
        "codings": 1,
        "selections": 1,
    }
    source = Source.objects.get(study=study, name="Notes file")
    coding = source.codings.get()
    assert source.text[coding.start : coding.end] == "P01: "


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        (
            f'<?xml version="1.0"?>{hostile.billion_laughs()}<CodeBook>&lol9;</CodeBook>'.encode(),
            "The file “codebook.qdc” declares its own XML entities, which are not accepted.",
        ),
        (
            b"<CodeBook>" + hostile.nested(300, "Codes").encode() + b"</CodeBook>",
            "The file “codebook.qdc” nests its content more than 100 levels deep.",
        ),
    ],
    ids=["billion-laughs", "deep"],
)
def test_qdc_hostile_contents_refused(study, xml, message):
    before = _state()
    assert _refused(lambda: actions.import_qdc(by=None, study=study, file=io.BytesIO(xml))) == [
        message
    ]
    assert _state() == before


def test_qdc_over_xml_size_refused(study, tmp_path, settings):
    settings.COPRODUCE_LIMITS = {"xml_bytes": 1000}
    path = tmp_path / "big.qdc"
    path.write_bytes(b"<CodeBook>" + b" " * 2000 + b"</CodeBook>")
    assert _refused(lambda: exchange.read_qdc(str(path))) == [
        "The file “big.qdc” is 2.0 KB; the limit is 1000 bytes."
    ]


# Finding 2: ODT text:c -----------------------------------------------------------------------


def test_odt_fifty_million_spaces_refused_within_memory():
    data = hostile.odt('<text:p>P01: <text:s text:c="50000000"/>yes</text:p>')
    assert len(data) < 2048
    raised, peak = hostile.peak_while(lambda: transcripts.read("spaces.odt", data))
    assert raised.messages == [
        "“spaces.odt” has more than 5,000,000 characters of text, the most one source can hold."
    ]
    assert peak < BUDGET


def test_odt_spaces_within_limit_kept(settings):
    settings.COPRODUCE_LIMITS = {"source_chars": 100}
    data = hostile.odt('<text:p>P01: a<text:s text:c="50"/>b</text:p>')
    assert transcripts.read("ok.odt", data) == ("P01: a" + " " * 50 + "b", [("P01", 0, 57)])


def test_odt_spaces_summed_over_paragraphs_refused(settings):
    settings.COPRODUCE_LIMITS = {"source_chars": 100}
    data = hostile.odt('<text:p><text:s text:c="60"/></text:p>' * 2)
    assert _refused(lambda: transcripts.read("two.odt", data)) == [
        "“two.odt” has more than 100 characters of text, the most one source can hold."
    ]


def test_odt_source_import_view_refuses_and_writes_nothing(world, objects, client_for):
    client = client_for(world["member"])  # signing in is audited too
    before = _state()
    data = hostile.odt('<text:p>P01: <text:s text:c="50000000"/></text:p>')
    response = client.post(
        reverse("insight:source_import", args=["barriers"]),
        {"files": [_upload("spaces.odt", data)], "kind": "interview"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "“spaces.odt” has more than 5,000,000 characters of text" in body
    assert 'href="#id_files"' in body
    assert _state() == before


def test_odt_too_deep_refused():
    data = hostile.odt(f"<text:p>{hostile.nested(500, 'text:span')}</text:p>")
    assert _refused(lambda: transcripts.read("deep.odt", data)) == [
        "The file “deep.odt” nests its content more than 100 levels deep."
    ]


def test_odt_billion_laughs_refused():
    content = f"{hostile.billion_laughs()}<content><p>&lol9;</p></content>"
    data = hostile.zip_of({"META-INF/manifest.xml": hostile.ODT_MANIFEST, "content.xml": content})
    raised, peak = hostile.peak_while(lambda: transcripts.read("laughs.odt", data))
    assert raised.messages == [
        "The file “laughs.odt” declares its own XML entities, which are not accepted."
    ]
    assert peak < BUDGET


# Finding 3: DOCX bomb, and files per request -------------------------------------------------


def test_docx_zip_bomb_refused_within_memory():
    data = hostile.docx_bomb(100 * MB)
    assert len(data) < 200 * 1024
    raised, peak = hostile.peak_while(lambda: transcripts.read("bomb.docx", data))
    assert raised.message_dict == {"files": [f"The file “bomb.docx” {UNPACKED_100}"]}
    assert peak < BUDGET


def test_docx_bomb_source_import_view_refuses_and_writes_nothing(world, objects, client_for):
    client = client_for(world["member"])  # signing in is audited too
    before = _state()
    response = client.post(
        reverse("insight:source_import", args=["barriers"]),
        {
            "files": [
                _upload("fine.txt", b"P01: fine"),
                _upload("bomb.docx", hostile.docx_bomb(100 * MB)),
            ],
            "kind": "interview",
        },
    )
    assert response.status_code == 200
    assert f"The file “bomb.docx” {UNPACKED_100}" in response.content.decode()
    assert _state() == before


def test_source_import_files_per_request_limit_from_settings(world, objects, client_for, settings):
    settings.COPRODUCE_LIMITS = {"files": 2}
    client = client_for(world["member"])  # signing in is audited too
    before = _state()
    response = client.post(
        reverse("insight:source_import", args=["barriers"]),
        {"files": [_upload(f"f{i}.txt", b"P01: x") for i in range(3)], "kind": "interview"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Import at most 2 files at a time." in body
    assert 'href="#id_files"' in body
    assert _state() == before


def test_import_sources_action_files_per_request_limit(study, settings):
    settings.COPRODUCE_LIMITS = {"files": 1}
    files = [(f"f{i}", f"f{i}.txt", "P01: x", []) for i in range(2)]
    assert _refused(lambda: actions.import_sources(by=None, study=study, files=files)) == [
        "Import at most 1 files at a time."
    ]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "picture.docx",
            hostile.PNG,
            "picture.docx: The Word file could not be read. Open it in Word, save it again and "
            "retry.",
        ),
        (
            "picture.odt",
            hostile.PNG,
            "picture.odt: The OpenDocument file could not be read. Save it again and retry.",
        ),
        (
            "evil.docx",
            hostile.zip_of({"[Content_Types].xml": hostile.DOCX_TYPES, "../../x": b"x"}),
            "The file “evil.docx” contains a file with an unsafe name: ../../x",
        ),
        (
            "deep.docx",
            hostile.zip_of(
                {
                    "[Content_Types].xml": hostile.DOCX_TYPES,
                    "word/document.xml": f"<w:document {hostile.W}><w:body>"
                    + hostile.nested(300, "w:tbl")
                    + "</w:body></w:document>",
                }
            ),
            "The file “deep.docx” nests its content more than 100 levels deep.",
        ),
        (
            "bad.txt",
            b"P01: \x81\x8d\x8f\x90\x9d",  # neither UTF-8 nor Windows-1252
            "bad.txt: The file is not readable text. Save it as UTF-8 text and try again.",
        ),
        (
            "line.txt",
            b"P01: " + b"a" * 5_100_000,  # one line, under 5 MB, over 5,000,000 characters
            "“line.txt” has more than 5,000,000 characters of text, the most one source can hold.",
        ),
    ],
    ids=["png-docx", "png-odt", "traversal", "deep", "not-text", "huge-line"],
)
def test_transcript_hostile_files_refused(name, data, message):
    with pytest.raises(ValidationError) as caught:
        transcripts.read(name, data)
    assert caught.value.message_dict == {"files": [message]}


def test_captions_over_character_limit_refused(settings):
    settings.COPRODUCE_LIMITS = {"source_chars": 1000}
    data = b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Mari>" + b"a" * 2000 + b"</v>\n"
    assert _refused(lambda: transcripts.read("long.vtt", data)) == [
        "“long.vtt” has more than 1,000 characters of text, the most one source can hold."
    ]


def test_add_source_over_character_limit_refused(study, settings):
    settings.COPRODUCE_LIMITS = {"source_chars": 10}
    before = _state()
    assert _refused(
        lambda: actions.add_source(by=None, study=study, name="Long", text="a" * 11)
    ) == ["“Long” has more than 10 characters of text, the most one source can hold."]
    assert _state() == before


# Finding 4: participant spreadsheets of millions of rows -------------------------------------


def _participants_form(name, data):
    return ParticipantImportForm(data={"unknown": "refuse"}, files={"upload": _upload(name, data)})


ROWS_MESSAGE = "The file has more than 5000 rows; split it into smaller files."


def test_participants_xlsx_many_rows_refused_on_field_within_memory(study):
    data = hostile.xlsx(300_000)
    assert len(data) < 5 * MB
    form = _participants_form("people.xlsx", data)
    raised, peak = hostile.peak_while(form.full_clean)
    assert raised is None
    assert form.errors == {"upload": [ROWS_MESSAGE]}
    assert peak < 32 * MB


def test_participants_csv_many_rows_refused_on_field_within_memory(study):
    data = b"identifier,role\n" + b"p,a\n" * 1_000_000
    form = _participants_form("people.csv", data)
    raised, peak = hostile.peak_while(form.full_clean)
    assert raised is None
    assert form.errors == {"upload": [ROWS_MESSAGE]}
    assert peak < 32 * MB


def test_participants_rows_at_limit_accepted(study, settings):
    settings.COPRODUCE_LIMITS = {"rows": 3}
    form = _participants_form("people.xlsx", hostile.xlsx(3))
    assert form.is_valid()
    headers, rows = form.cleaned_data["table"]
    assert (headers, rows) == (
        ["identifier", "role"],
        [["P2", "patient"], ["P3", "patient"], ["P4", "patient"]],
    )


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("wide.xlsx", hostile.xlsx(2, column="KZ"), "The file has more than 100 columns."),
        (
            "wide.csv",
            b"identifier" + b",x" * 100 + b"\nP1" + b",1" * 100 + b"\n",
            "The file has more than 100 columns.",
        ),
        (
            "cells.csv",
            b"identifier" + b",x" * 99 + b"\n" + (b"P" + b",1" * 99 + b"\n") * 1600,
            "The file has more than 150000 cells; split it into smaller files.",
        ),
        (
            "people.xlsx",
            hostile.bomb("xl/worksheets/sheet1.xml", 100 * MB, others=dict(hostile.XLSX_PARTS)),
            f"The file “people.xlsx” {UNPACKED_100}",
        ),
        ("picture.xlsx", hostile.PNG, "The Excel file could not be read."),
        (
            "lying.xlsx",
            hostile.lying(hostile.xlsx(50_000), "xl/worksheets/sheet1.xml", 2048),
            "The Excel file could not be read.",
        ),
    ],
    ids=["wide-xlsx", "wide-csv", "cells-csv", "bomb", "png-xlsx", "lying-header"],
)
def test_participants_hostile_spreadsheets_refused_on_field(study, name, data, message):
    form = _participants_form(name, data)
    assert form.errors == {"upload": [message]}


def test_participants_many_rows_view_refuses_and_writes_nothing(world, objects, client_for):
    client = client_for(world["cochair"])  # signing in is audited too
    before = _state()
    response = client.post(
        reverse("insight:participants_import", args=["barriers"]),
        {"upload": _upload("people.xlsx", hostile.xlsx(20_000)), "unknown": "refuse"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert ROWS_MESSAGE in body
    assert 'href="#id_upload"' in body
    assert _state() == before


def test_import_participants_action_row_limit(study, settings):
    settings.COPRODUCE_LIMITS = {"rows": 2}
    rows = [["P1"], ["P2"], ["P3"]]
    before = _state()
    assert _refused(
        lambda: actions.import_participants(by=None, study=study, headers=["identifier"], rows=rows)
    ) == ["The file has more than 2 rows; split it into smaller files."]
    assert _state() == before


# Jobs: a worker that dies, and trying again -------------------------------------------------


SILENT = "The worker stopped while running this job, so nothing was changed; you can try again."


def _running_import(world, study, *, silent_for: datetime.timedelta) -> Job:
    """An import the worker took (it reported progress) and then went silent."""
    job = actions.start_job(
        by=world["cochair"].user, study=study, upload=_upload("study.qdpx", hostile.qdpx())
    )
    actions.job_progress(job=job, done=1, total=3)
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - silent_for)
    return job


def test_reap_jobs_fails_silent_job_and_keeps_upload(world, study):
    job = _running_import(world, study, silent_for=datetime.timedelta(hours=2))
    assert actions.reap_jobs(by=None) == 1
    job.refresh_from_db()
    assert (job.status, job.error, job.can_retry) == (JobStatus.FAILED, SILENT, True)
    assert job.input_file.name.endswith("-import_qdpx")
    event = AuditEvent.objects.filter(action="job.fail").get()
    assert event.changes == {"kind": "import_qdpx", "error": SILENT}


def test_reap_jobs_leaves_job_heard_from_recently(world, study):
    job = _running_import(world, study, silent_for=datetime.timedelta(minutes=59))
    assert actions.reap_jobs(by=None) == 0
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING


def test_reap_jobs_timeout_from_settings(world, study, settings):
    settings.COPRODUCE_LIMITS = {"job_silence_seconds": 60}
    job = _running_import(world, study, silent_for=datetime.timedelta(minutes=2))
    assert actions.reap_jobs(by=None) == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED


def test_reap_jobs_without_heartbeat_uses_creation_time(world, study):
    job = actions.start_job(by=world["cochair"].user, study=study, kind="export_xlsx")
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, created_at=timezone.now() - datetime.timedelta(hours=2)
    )
    assert actions.reap_jobs(by=None) == 1
    job.refresh_from_db()
    assert (job.status, job.error) == (JobStatus.FAILED, SILENT)


def test_retry_job_requeues_same_upload_and_imports(
    world, study, django_capture_on_commit_callbacks
):
    job = _running_import(world, study, silent_for=datetime.timedelta(hours=2))
    actions.reap_jobs(by=None)
    job.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        actions.retry_job(by=world["cochair"].user, job=job)
    job.refresh_from_db()
    assert (job.status, job.error, job.input_file.name) == (JobStatus.DONE, "", "")
    assert job.report["imported"]["sources"] == 1
    assert Source.objects.filter(study=study, name="Notes file").exists()
    retry = AuditEvent.objects.filter(action="job.retry").get()
    assert retry.changes == {"kind": "import_qdpx", "error": [SILENT, ""]}


def test_retry_job_refused_when_upload_was_deleted(
    world, study, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = actions.start_job(
            by=world["cochair"].user,
            study=study,
            upload=_upload("readme.qdpx", hostile.zip_of({"readme.txt": b"x"})),
        )
    job.refresh_from_db()
    assert (job.status, job.input_file.name, job.can_retry) == (JobStatus.FAILED, "", False)
    assert _refused(lambda: actions.retry_job(by=world["cochair"].user, job=job)) == [
        "This job cannot be tried again; start it again from the import and export page."
    ]
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED


def test_task_that_raises_fails_job_with_reason(
    world, study, monkeypatch, django_capture_on_commit_callbacks
):
    # The export itself is not what is tested here, the task's handling of its failure is.
    def broken(study, fp):
        raise RuntimeError("disk full")

    monkeypatch.setattr(exchange.writer, "codings_xlsx", broken)
    with django_capture_on_commit_callbacks(execute=True):
        job = actions.start_job(by=world["member"].user, study=study, kind="export_xlsx")
    job.refresh_from_db()
    assert (job.status, job.error, job.can_retry) == (
        JobStatus.FAILED,
        "Something went wrong while running this job.",
        True,
    )


def test_job_page_reaps_silent_job_and_offers_try_again(
    world, study, client_for, django_capture_on_commit_callbacks
):
    job = _running_import(world, study, silent_for=datetime.timedelta(hours=2))
    client = client_for(world["cochair"])
    page = client.get(reverse("insight:job", args=["barriers", job.pk])).content.decode()
    assert SILENT in page
    retry_url = reverse("insight:job_retry", args=["barriers", job.pk])
    assert f'action="{retry_url}"' in page
    assert "Try again" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(retry_url)
    assert response.status_code == 302
    assert response["Location"] == reverse("insight:job", args=["barriers", job.pk])
    job.refresh_from_db()
    assert job.status == JobStatus.DONE


def test_exchange_page_reaps_silent_job_before_listing(world, study, client_for):
    job = _running_import(world, study, silent_for=datetime.timedelta(hours=2))
    page = client_for(world["member"]).get(reverse("insight:exchange", args=["barriers"]))
    assert page.status_code == 200
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED


def test_job_retry_of_import_refused_for_coder(world, study, client_for):
    # The coder may see (and retry) their own exports, but never run an import.
    job = _running_import(world, study, silent_for=datetime.timedelta(hours=2))
    actions.reap_jobs(by=None)
    Job.objects.filter(pk=job.pk).update(requested_by=world["member"])
    client = client_for(world["member"])
    page = client.get(reverse("insight:job", args=["barriers", job.pk])).content.decode()
    assert "Try again" not in page
    response = client.post(reverse("insight:job_retry", args=["barriers", job.pk]))
    assert response.status_code == 403
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED


def test_participants_xlsx_cells_limit_counted_before_openpyxl(study, settings):
    settings.COPRODUCE_LIMITS = {"cells": 100}
    form = _participants_form("people.xlsx", hostile.xlsx(60))
    assert form.errors == {
        "upload": ["The file has more than 100 cells; split it into smaller files."]
    }
