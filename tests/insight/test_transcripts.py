"""Reading transcripts: text, speaker turns in code points, and refusals with clear messages."""

import io
import zipfile

import docx
import pytest
from django.core.exceptions import ValidationError
from odf.opendocument import OpenDocumentText
from odf.text import H, LineBreak, P, S, Tab

from coproduce.insight import transcripts

TXT = (
    "Interview 3, Llandudno\r\n"
    "Interviewer: Croeso. Sut mae’r clinig? 😀\r\n"
    "P03: Mae’n iawn, ŵ ŷ é.\r\n"
    "Still P03 here.\r\n"
    "\r\n"
    "Dr Jones: See https://example.org: later.\r"
    "At 10:30 we met.\n"
    "Facilitator (Siân): Diolch.\n"
)


def _turn_texts(text, turns):
    return [(speaker, text[start:end]) for speaker, start, end in turns]


def test_txt_crlf_bom_and_non_ascii_offsets():
    text, turns = transcripts.read("p03.txt", b"\xef\xbb\xbf" + TXT.encode("utf-8"))
    assert "\r" not in text and not text.startswith("\ufeff")
    assert turns == [
        ("Interviewer", 23, 63),
        ("P03", 64, 103),
        ("Dr Jones", 105, 163),
        ("Facilitator (Siân)", 164, 191),
    ]
    assert _turn_texts(text, turns) == [
        ("Interviewer", "Interviewer: Croeso. Sut mae’r clinig? 😀"),
        ("P03", "P03: Mae’n iawn, ŵ ŷ é.\nStill P03 here."),
        ("Dr Jones", "Dr Jones: See https://example.org: later.\nAt 10:30 we met."),
        ("Facilitator (Siân)", "Facilitator (Siân): Diolch."),
    ]


def test_txt_cp1252_fallback():
    text, turns = transcripts.read("old.txt", "P01: Caf\xe9 – fine\n".encode("cp1252"))
    assert text == "P01: Café – fine\n"
    assert turns == [("P01", 0, 16)]


@pytest.mark.parametrize(
    "label,expected",
    [
        ("Interviewer", True),
        ("P03", True),
        ("Dr Jones", True),
        ("Facilitator (Siân)", True),
        ("Mrs ap Rhys", True),
        ("So what I said was", False),
        ("What she said", False),
        ("10", False),
        ("A" * 41, False),
        ("Yes, well", False),
    ],
)
def test_is_label_cases(label, expected):
    assert transcripts.is_label(label) is expected


def test_txt_without_labels_has_no_turns():
    text, turns = transcripts.read("notes.txt", b"Just notes.\nNo speakers: here.\n")
    assert (text, turns) == ("Just notes.\nNo speakers: here.\n", [])


def _docx(paragraphs) -> bytes:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_paragraphs_and_turns():
    data = _docx(["Interviewer: Shwmae? ’", "P01: Da iawn 😀 ŵ", "more from P01"])
    text, turns = transcripts.read("p01.docx", data)
    assert text == "Interviewer: Shwmae? ’\nP01: Da iawn 😀 ŵ\nmore from P01"
    assert turns == [("Interviewer", 0, 22), ("P01", 23, 53)]


def _odt() -> bytes:
    document = OpenDocumentText()
    document.text.addElement(H(outlinelevel=1, text="Focus group 2"))
    p = P(text="Interviewer:")
    p.addElement(S(c=3))
    p.addText("Croeso")
    p.addElement(Tab())
    p.addText("ŷ")
    document.text.addElement(p)
    p = P(text="P02: Line one")
    p.addElement(LineBreak())
    p.addText("line two é")
    document.text.addElement(p)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def test_odt_headings_spaces_tabs_line_breaks():
    text, turns = transcripts.read("fg2.odt", _odt())
    assert text == "Focus group 2\nInterviewer:   Croeso\tŷ\nP02: Line one\nline two é"
    assert turns == [("Interviewer", 14, 37), ("P02", 38, 62)]


VTT = """WEBVTT

NOTE recorded on Teams

STYLE
::cue { color: yellow }

00:00:01.000 --> 00:00:04.000
<v Siân Jones>Helo, sut mae’r ŵyn?</v>

00:00:04.000 --> 00:00:06.000
<v Siân Jones>Second cue
on two lines</v>

00:00:06.000 --> 00:00:08.000
P04: Iawn diolch 😀

00:00:08.000 --> 00:00:09.000
and more
"""


def test_vtt_voices_prefixes_and_merging():
    text, turns = transcripts.read("fg.vtt", VTT.replace("\n", "\r\n").encode())
    assert text == (
        "Siân Jones: Helo, sut mae’r ŵyn? Second cue on two lines\nP04: Iawn diolch 😀 and more"
    )
    assert turns == [("Siân Jones", 0, 56), ("P04", 57, 84)]
    assert "00:00" not in text and "NOTE" not in text and "cue {" not in text


SRT = (
    "1\n00:00:01,000 --> 00:00:02,000\nInterviewer: Hello\n\n"
    "2\n00:00:02,000 --> 00:00:03,000\nInterviewer: again\n\n"
    "3\n00:00:03,000 --> 00:00:05,000\nP05: Bore da ŷ\n"
)


def test_srt_merges_consecutive_cues_of_one_speaker():
    text, turns = transcripts.read("i.srt", SRT.encode())
    assert text == "Interviewer: Hello again\nP05: Bore da ŷ"
    assert turns == [("Interviewer", 0, 24), ("P05", 25, 39)]


@pytest.mark.parametrize(
    "name,data,message",
    [
        (
            "a.pdf",
            b"%PDF-1.4",
            "a.pdf: only .txt, .docx, .odt, .vtt and .srt files can be imported.",
        ),
        ("a.txt", b"", "a.txt is empty."),
        ("a.txt", b"  \n\n", "a.txt has no text."),
        ("a.txt", b"x" * (5 * 1024 * 1024 + 1), "a.txt is larger than 5 MB."),
        (
            "a.txt",
            b"\x00\x01binary",
            "a.txt: The file is not readable text. Save it as UTF-8 text and try again.",
        ),
        (
            "a.docx",
            b"not a zip",
            "a.docx: The Word file could not be read. Open it in Word, save it again and retry.",
        ),
        (
            "a.odt",
            b"PK\x03\x04broken",
            "a.odt: The OpenDocument file could not be read. Save it again and retry.",
        ),
        (
            "a.vtt",
            b"00:00:01.000 --> 00:00:02.000\nhi\n",
            "a.vtt: The WebVTT file could not be read: it must start with WEBVTT.",
        ),
    ],
)
def test_read_refuses_bad_files(name, data, message):
    with pytest.raises(ValidationError) as caught:
        transcripts.read(name, data)
    assert caught.value.messages == [message]


def test_read_refuses_docx_zip_without_document():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(ValidationError) as caught:
        transcripts.read("b.docx", buffer.getvalue())
    assert caught.value.messages == [
        "b.docx: The Word file could not be read. Open it in Word, save it again and retry."
    ]


def test_vtt_entities_and_classed_voice_tags():
    data = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v.loud Dr Ifan>Fish &amp; chips &lt;3</v>\n"
    text, turns = transcripts.read("x.vtt", data.encode())
    assert (text, turns) == ("Dr Ifan: Fish & chips <3", [("Dr Ifan", 0, 24)])
