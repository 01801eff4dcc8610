"""Hostile files for the import tests, made in code: zip bombs, lying zip headers, entity
expansion, deep nesting, unsafe names and the like. Each is a few hundred KB at most; the large
contents are written into the zip a megabyte at a time, so no test holds them whole."""

import io
import struct
import tracemalloc
import zipfile

from coproduce.insight.exchange import writer

MB = 1024 * 1024
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

SOURCE_GUID = "S0000000-0000-4000-8000-000000000001"
CODE_GUID = "C0000000-0000-4000-8000-000000000001"
SOURCE_MEMBER = f"sources/{SOURCE_GUID}.txt"


def zip_of(files: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in files.items():
            zf.writestr(name, content)
    return buffer.getvalue()


def bomb(member: str, size: int, *, prefix=b"", suffix=b"", others=None) -> bytes:
    """A zip whose `member` unpacks to `size` bytes: prefix, then "a" repeated, then suffix.
    Deflate packs that about a thousand to one. `others` are further, ordinary members."""
    buffer = io.BytesIO()
    chunk = b"a" * MB
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, content in (others or {}).items():
            zf.writestr(name, content)
        with zf.open(member, "w", force_zip64=size >= 2**31) as fp:
            fp.write(prefix)
            left = size - len(prefix) - len(suffix)
            while left > 0:
                piece = chunk[: min(left, MB)]
                fp.write(piece)
                left -= len(piece)
            fp.write(suffix)
    return buffer.getvalue()


def lying(data: bytes, member: str, declared: int) -> bytes:
    """The zip with `member`'s unpacked size claimed to be `declared` in both its local header
    and the central directory; the packed data and its CRC are still those of the real content."""
    out = bytearray(data)
    encoded = member.encode()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        local = zf.getinfo(member).header_offset
    assert out[local : local + 4] == b"PK\x03\x04"
    struct.pack_into("<I", out, local + 22, declared)
    position = 0
    while (position := out.find(b"PK\x01\x02", position)) != -1:
        (length,) = struct.unpack_from("<H", out, position + 28)
        if bytes(out[position + 46 : position + 46 + length]) == encoded:
            struct.pack_into("<I", out, position + 24, declared)
            return bytes(out)
        position += 4
    raise AssertionError(f"{member} not in the central directory")


def project_qde(sources: str = "", *, doctype: str = "", body: str = "") -> bytes:
    """A REFI-QDA project.qde with one code, `sources` inside <Sources> and `body` after it."""
    return (
        f'<?xml version="1.0" encoding="utf-8"?>{doctype}'
        f'<Project xmlns="urn:QDA-XML:project:1.0" name="Hostile">'
        f'<CodeBook><Codes><Code guid="{CODE_GUID}" name="Access" isCodable="true"/></Codes>'
        f"</CodeBook>{body}<Sources>{sources}</Sources></Project>"
    ).encode()


def text_source(start: int = 0, end: int = 5, name: str = "Notes file") -> str:
    """A TextSource whose text is the internal file SOURCE_MEMBER, coded from start to end."""
    return (
        f'<TextSource guid="{SOURCE_GUID}" name="{name}" '
        f'plainTextPath="internal://{SOURCE_GUID}.txt">'
        f'<PlainTextSelection guid="P0000000-0000-4000-8000-000000000001" '
        f'startPosition="{start}" endPosition="{end}">'
        f'<Coding guid="G0000000-0000-4000-8000-000000000001">'
        f'<CodeRef targetGUID="{CODE_GUID}"/></Coding></PlainTextSelection></TextSource>'
    )


def qdpx(text: bytes = b"P01: the bus never comes.\n", **selection) -> bytes:
    """A small, valid project: one source (its text in `text`) with one coding."""
    return zip_of({"project.qde": project_qde(text_source(**selection)), SOURCE_MEMBER: text})


def qdpx_bomb(size: int) -> bytes:
    """A project whose one source text unpacks to `size` bytes."""
    return bomb(SOURCE_MEMBER, size, others={"project.qde": project_qde(text_source())})


def billion_laughs(levels: int = 9) -> str:
    """A DOCTYPE declaring &lol9; as 10**9 "lol"s, a few hundred bytes."""
    entities = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels + 1))
    return f'<!DOCTYPE Project [<!ENTITY lol0 "lol">{entities}]>'


def nested(depth: int, tag: str = "Description") -> str:
    return f"<{tag}>" * depth + f"</{tag}>" * depth


DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx_bomb(size: int) -> bytes:
    """A Word file whose word/document.xml is one paragraph of `size` bytes of text."""
    return bomb(
        "word/document.xml",
        size,
        prefix=f"<w:document {W}><w:body><w:p><w:r><w:t>".encode(),
        suffix=b"</w:t></w:r></w:p></w:body></w:document>",
        others={"[Content_Types].xml": DOCX_TYPES},
    )


ODT_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
    '<manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.text"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def odt(content_body: str) -> bytes:
    """An OpenDocument text file whose office:text holds `content_body` (as written)."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:text>{content_body}</office:text></office:body>"
        "</office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED)
        zf.writestr("META-INF/manifest.xml", ODT_MANIFEST)
        zf.writestr("content.xml", content)
    return buffer.getvalue()


# The package parts the product's own streamed workbook writes, plus a workbook naming the sheet.
XLSX_PARTS = {
    **writer.XLSX_PARTS,
    "xl/workbook.xml": (
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="People" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
}


def _cell(column: str, row: int, text: str) -> str:
    return f'<c r="{column}{row}" t="inlineStr"><is><t>{text}</t></is></c>'


def xlsx(rows: int, *, column: str = "B") -> bytes:
    """A workbook of an identifier column and one other (at `column`) and `rows` participants,
    its sheet written as it is packed (a million rows are a few MB)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, xml in XLSX_PARTS.items():
            zf.writestr(name, xml)
        with zf.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b"<sheetData>"
            )
            header = _cell("A", 1, "identifier") + _cell(column, 1, "role")
            chunk = [f'<row r="1">{header}</row>']
            for r in range(2, rows + 2):
                cells = _cell("A", r, f"P{r}") + _cell(column, r, "patient")
                chunk.append(f'<row r="{r}">{cells}</row>')
                if len(chunk) >= 10_000:
                    sheet.write("".join(chunk).encode())
                    chunk = []
            chunk.append("</sheetData></worksheet>")
            sheet.write("".join(chunk).encode())
    return buffer.getvalue()


def peak_while(call) -> tuple[BaseException | None, int]:
    """Run `call`; return the exception it raised (or None) and the peak of Python memory
    allocated meanwhile, in bytes."""
    tracemalloc.start()
    try:
        call()
    except Exception as exc:  # the caller asserts which
        raised = exc
    else:
        raised = None
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return raised, peak
