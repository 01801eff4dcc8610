"""The shared limits on what an upload may hold, the bounded zip reader and the XML parser
(coproduce/core/limits.py and archives.py), and the upload check that uses them."""

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from lxml import etree

from coproduce.core import archives, limits, uploads
from coproduce.projects.papers import check_paper
from coproduce.recognition import actions as recognition
from coproduce.recognition.models import Expense
from tests import hostile

# Limits --------------------------------------------------------------------------------------


def test_limits_get_default():
    assert limits.get("rows") == 5000
    assert limits.get("member_bytes") == 64 * 1024 * 1024
    assert limits.get("job_silence_seconds") == 3600


def test_limits_get_setting_overrides_at_call_time(settings):
    settings.COPRODUCE_LIMITS = {"rows": 10}
    assert (limits.get("rows"), limits.get("files")) == (10, 20)


def test_limits_get_unknown_name_raises():
    with pytest.raises(KeyError):
        limits.get("rowz")


def test_limits_settings_read_from_environment(monkeypatch):
    # settings.py builds COPRODUCE_LIMITS from COPRODUCE_LIMIT_<NAME> variables.
    monkeypatch.setenv("COPRODUCE_LIMIT_ROWS", "250")
    monkeypatch.setenv("COPRODUCE_LIMIT_FILES", "")
    namespace = {}
    source = Path(django_settings.BASE_DIR, "settings.py").read_text()
    start = source.index("COPRODUCE_LIMITS = {")
    exec("import os\n" + source[start : source.index("}\n", start) + 2], namespace)
    assert namespace["COPRODUCE_LIMITS"] == {"rows": 250}


def test_check_characters_over_limit_refused(settings):
    settings.COPRODUCE_LIMITS = {"source_chars": 1000}
    assert limits.check_characters("a.txt", "x" * 1000) == "x" * 1000
    with pytest.raises(limits.LimitExceeded) as caught:
        limits.check_characters("a.txt", "x" * 1001)
    assert caught.value.messages == [
        "“a.txt” has more than 1,000 characters of text, the most one source can hold."
    ]


def test_check_files_over_limit_refused(settings):
    settings.COPRODUCE_LIMITS = {"files": 2}
    limits.check_files([1, 2])
    with pytest.raises(limits.LimitExceeded) as caught:
        limits.check_files([1, 2, 3])
    assert caught.value.messages == ["Import at most 2 files at a time."]


def test_limit_message_in_welsh():
    with translation.override("cy"):
        message = limits.too_large_unpacked("x.docx", 400 * 1024 * 1024, 64 * 1024 * 1024).messages
    assert message == ["Mae'r ffeil “x.docx” yn dal 400.0 MB o'i dadbacio; y terfyn yw 64.0 MB."]


# Zips ----------------------------------------------------------------------------------------


def _opened(data: bytes, name="upload.zip"):
    return archives.Archive(io.BytesIO(data), name=name)


def test_archive_reads_member_within_limits():
    with _opened(hostile.zip_of({"a/b.txt": b"hello"})) as archive:
        assert archive.namelist() == ["a/b.txt"]
        assert archive.read("a/b.txt") == b"hello"
        assert archive.unpacked == 5


def test_archive_opens_a_path(tmp_path):
    path = tmp_path / "a.zip"
    path.write_bytes(hostile.zip_of({"x.txt": b"x"}))
    with archives.Archive(str(path), name="a.zip") as archive:
        assert archive.read("x.txt") == b"x"


@pytest.mark.parametrize(
    "member", ["../../x", "/etc/passwd", "a/../../b", "..\\..\\x", "C:\\x", "\\\\server\\x"]
)
def test_archive_unsafe_member_name_refused(member):
    with pytest.raises(limits.LimitExceeded) as caught:
        _opened(hostile.zip_of({"ok.txt": b"x", member: b"x"}), "evil.zip")
    assert caught.value.messages == [
        f"The file “evil.zip” contains a file with an unsafe name: {member}"
    ]


def test_archive_safe_names_accepted():
    assert archives.safe_member_name("sources/Interview: P1..txt")
    assert not archives.safe_member_name("")


def test_archive_declared_member_over_limit_refused_before_unpacking():
    data = hostile.bomb("word/document.xml", 100 * hostile.MB)
    assert len(data) < 200 * 1024
    raised, peak = hostile.peak_while(lambda: _opened(data, "bomb.docx"))
    assert raised.messages == [
        "The file “bomb.docx” holds 100.0 MB once unpacked; the limit is 64.0 MB."
    ]
    assert peak < 4 * hostile.MB


def test_archive_declared_total_over_limit_refused(settings):
    settings.COPRODUCE_LIMITS = {"member_bytes": 1000, "archive_bytes": 1500}
    data = hostile.zip_of({"a.txt": b"a" * 800, "b.txt": b"b" * 800})
    with pytest.raises(limits.LimitExceeded) as caught:
        _opened(data, "two.zip")
    assert caught.value.messages == [
        "The file “two.zip” holds 1.6 KB once unpacked; the limit is 1.5 KB."
    ]


def test_archive_too_many_members_refused_before_listing(settings):
    settings.COPRODUCE_LIMITS = {"archive_members": 3}
    data = hostile.zip_of({f"{i}.txt": b"x" for i in range(5)})
    with pytest.raises(limits.LimitExceeded) as caught:
        _opened(data, "many.zip")
    assert caught.value.messages == ["The file “many.zip” holds 5 files; the limit is 3."]


def test_archive_header_lying_about_size_refused():
    # The headers claim 1 KB; the data unpacks to 10 MB. zipfile stops at the claimed size and
    # the checksum then fails: refused as damaged, with only the claimed kilobyte read.
    data = hostile.lying(hostile.bomb("big.txt", 10 * hostile.MB), "big.txt", 1024)
    with _opened(data, "lying.zip") as archive:
        raised, peak = hostile.peak_while(lambda: archive.read("big.txt"))
    assert isinstance(raised, archives.BadArchive)
    assert raised.messages == ["The file “lying.zip” is damaged and cannot be unpacked."]
    assert peak < 2 * hostile.MB


def test_archive_read_counts_bytes_whatever_was_declared(settings):
    # The limit falls after the zip was opened (as if its header had under-declared): the
    # bytes counted while unpacking still stop the read at the limit.
    with _opened(hostile.zip_of({"a.txt": b"a" * 300_000})) as archive:
        settings.COPRODUCE_LIMITS = {"member_bytes": 100_000}
        with pytest.raises(limits.LimitExceeded) as caught:
            archive.read("a.txt")
    assert caught.value.messages == ["The file “upload.zip” holds more than 97.7 KB once unpacked."]


def test_archive_read_counts_total_across_members(settings):
    with _opened(hostile.zip_of({"a.txt": b"a" * 70_000, "b.txt": b"b" * 70_000})) as archive:
        settings.COPRODUCE_LIMITS = {"archive_bytes": 100_000}
        assert len(archive.read("a.txt")) == 70_000
        with pytest.raises(limits.LimitExceeded) as caught:
            archive.read("b.txt")
    assert caught.value.messages == ["The file “upload.zip” holds more than 97.7 KB once unpacked."]


@pytest.mark.parametrize("data", [hostile.PNG, b"", b"PK\x03\x04broken"])
def test_archive_not_a_zip_refused(data):
    with pytest.raises(archives.BadArchive) as caught:
        _opened(data, "picture.docx")
    assert caught.value.messages == ["The file “picture.docx” is damaged and cannot be unpacked."]


def test_archive_stream_of_stored_member_reads_in_chunks():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("a.bin", bytes(range(256)) * 1024)
    with _opened(buffer.getvalue()) as archive, archive.open("a.bin") as stream:
        first = stream.read(1000)
        rest = stream.read()
    assert (len(first), len(rest), first[:3]) == (1000, 261_144, b"\x00\x01\x02")


# XML -----------------------------------------------------------------------------------------


def test_parse_xml_returns_root():
    root = archives.parse_xml(b"<a><b>x</b></a>", name="a.xml")
    assert (root.tag, root[0].text) == ("a", "x")


def test_parse_xml_streaming_check_keeps_nothing():
    assert archives.parse_xml(io.BytesIO(b"<a><b/><b/></a>"), name="a.xml", keep=False) is None


def test_parse_xml_billion_laughs_refused():
    xml = f"{hostile.billion_laughs()}<Project>&lol9;</Project>".encode()
    raised, peak = hostile.peak_while(lambda: archives.parse_xml(xml, name="p.xml"))
    assert raised.messages == [
        "The file “p.xml” declares its own XML entities, which are not accepted."
    ]
    assert peak < hostile.MB


def test_parse_xml_entity_declaration_across_reads_refused():
    # "<!ENTITY" split over the boundary of two 64 KB reads is still seen.
    padding = " " * (archives.CHUNK - len("<!DOCTYPE a [") - 4)
    xml = f'<!DOCTYPE a [{padding}<!ENTITY x "y">]><a>&x;</a>'.encode()
    assert xml.index(b"<!ENTITY") < archives.CHUNK < xml.index(b"<!ENTITY") + 8
    with pytest.raises(limits.LimitExceeded) as caught:
        archives.parse_xml(io.BytesIO(xml), name="split.xml")
    assert caught.value.messages == [
        "The file “split.xml” declares its own XML entities, which are not accepted."
    ]


@pytest.mark.parametrize("depth", [101, 300, 5000])
def test_parse_xml_too_deep_refused(depth):
    with pytest.raises(limits.LimitExceeded) as caught:
        archives.parse_xml(hostile.nested(depth, "a").encode(), name="deep.xml")
    assert caught.value.messages == [
        "The file “deep.xml” nests its content more than 100 levels deep."
    ]


def test_parse_xml_at_depth_limit_accepted():
    root = archives.parse_xml(hostile.nested(100, "a").encode(), name="deep.xml")
    assert len(list(root.iter())) == 100


def test_parse_xml_over_size_refused(settings):
    settings.COPRODUCE_LIMITS = {"xml_bytes": 1000}
    xml = b"<a>" + b"x" * 2000 + b"</a>"
    with pytest.raises(limits.LimitExceeded) as caught:
        archives.parse_xml(xml, name="big.xml")
    assert caught.value.messages == ["The file “big.xml” is 2.0 KB; the limit is 1000 bytes."]
    # A stream is counted as it is read; how much it holds in all is not known then.
    with pytest.raises(limits.LimitExceeded) as caught:
        archives.parse_xml(io.BytesIO(xml), name="big.xml")
    assert caught.value.messages == ["The file “big.xml” holds more than 1000 bytes once unpacked."]


def test_parse_xml_not_well_formed_raises_syntax_error():
    with pytest.raises(etree.XMLSyntaxError):
        archives.parse_xml(b"<a><b></a>", name="bad.xml")


# Uploads that are stored, not read (papers, receipts) -----------------------------------------


def test_paper_zip_bomb_refused():
    upload = SimpleUploadedFile("minutes.docx", hostile.docx_bomb(100 * hostile.MB))
    with pytest.raises(ValidationError) as caught:
        check_paper(upload)
    assert caught.value.message_dict == {
        "file": ["The file “minutes.docx” holds 100.0 MB once unpacked; the limit is 64.0 MB."]
    }


def test_paper_zip_with_unsafe_name_refused():
    upload = SimpleUploadedFile("minutes.docx", hostile.zip_of({"../../x": b"x"}))
    with pytest.raises(ValidationError) as caught:
        check_paper(upload)
    assert caught.value.message_dict == {
        "file": ["The file “minutes.docx” contains a file with an unsafe name: ../../x"]
    }


def test_paper_real_docx_accepted():
    from docx import Document

    buffer = io.BytesIO()
    Document().save(buffer)
    upload = SimpleUploadedFile("minutes.docx", buffer.getvalue())
    assert check_paper(upload) == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert upload.tell() == 0


def test_upload_check_capped_by_upload_limit(settings):
    settings.COPRODUCE_LIMITS = {"upload_bytes": 1024}
    accepts = uploads.Accepts(
        types={".png": ("image/png", (b"\x89PNG",))},
        max_bytes=5 * 1024 * 1024,
        field="upload",
        wrong_type="wrong",
        too_large="Smaller than %(size)s.",
    )
    with pytest.raises(ValidationError) as caught:
        uploads.check(SimpleUploadedFile("a.png", hostile.PNG * 30), accepts)
    assert caught.value.message_dict == {"upload": ["Smaller than 1.0 KB."]}


def test_receipt_over_upload_limit_refused_nothing_stored(world, settings):
    settings.COPRODUCE_LIMITS = {"upload_bytes": 1024}
    with pytest.raises(ValidationError) as caught:
        recognition.add_expense(
            by=None,
            person=world["member"],
            organisation=world["org"],
            kind="travel",
            date="2026-03-10",
            amount="3.00",
            description="Bus",
            upload=SimpleUploadedFile("receipt.png", hostile.PNG * 30),
        )
    assert caught.value.message_dict == {"upload": ["The receipt must be smaller than 1.0 KB."]}
    assert Expense.objects.count() == 0
