"""Reading uploaded zips and XML within the limits of core/limits.py.

`Archive` opens a zip (.qdpx, .docx, .odt, .xlsx) and refuses it before anything is unpacked if
it names a file outside itself (`../../x`, `/etc/x`), holds too many files, or declares a file
or a total larger than the limits. Reading a member then counts the bytes as they are unpacked
and stops at the limit, so a header that lies about a size cannot make us read more than the
limit either. Libraries that read a zip themselves (python-docx, odfpy, openpyxl) are only
given one that `Archive` has checked: they use Python's zipfile, which never returns more than
a member's declared size.

`parse_xml` parses untrusted XML with entities, network and DTD loading off, refuses documents
that declare their own entities (the "billion laughs") and stops at the depth limit while it
parses, instead of building the tree first.
"""

import io
import os
import zipfile
from pathlib import PurePosixPath, PureWindowsPath

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from lxml import etree

from . import limits
from .limits import LimitExceeded

CHUNK = 64 * 1024


class BadArchive(ValidationError):
    """Not a zip at all, or one that cannot be unpacked. Importers with a better word for their
    own format ("not a Word file") catch it and say so."""

    def __init__(self, name: str):
        super().__init__(
            _("The file “%(name)s” is damaged and cannot be unpacked.") % {"name": name},
            code="damaged",
        )


def safe_member_name(member: str) -> bool:
    """Whether a name inside a zip stays inside it: relative, no `..`, no drive or NUL."""
    if not member or "\x00" in member:
        return False
    for path in (PurePosixPath(member), PureWindowsPath(member)):
        if path.is_absolute() or path.anchor or ".." in path.parts:
            return False
    return True


def _entries(fp) -> int | None:
    """How many files the zip's end record says it holds, read before zipfile builds an object
    for each of them (millions of entries would take gigabytes). None if it is not a zip."""
    try:
        record = zipfile._EndRecData(fp)  # the stdlib's own reader of the end record
    except OSError:
        return None
    return None if record is None else record[zipfile._ECD_ENTRIES_TOTAL]


class Archive:
    """A zip opened for reading within the limits. `file` is a path or a binary file; `name` is
    what the person calls the file, for messages."""

    def __init__(self, file, *, name: str):
        self.name = name
        self.unpacked = 0  # bytes unpacked so far, against archive_bytes
        is_path = isinstance(file, str | os.PathLike)
        handle = open(file, "rb") if is_path else file  # noqa: SIM115 - closed in close()
        self._own = handle if is_path else None
        try:
            entries = _entries(handle)
            if entries is None:
                raise BadArchive(name)
            if entries > limits.get("archive_members"):
                raise LimitExceeded(
                    _("The file “%(name)s” holds %(count)s files; the limit is %(limit)s.")
                    % {
                        "name": name,
                        "count": limits.count(entries),
                        "limit": limits.count(limits.get("archive_members")),
                    }
                )
            try:
                self.zip = zipfile.ZipFile(handle)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError):
                raise BadArchive(name) from None
            self._check_declared()
        except BaseException:
            self.close()
            raise

    def _check_declared(self) -> None:
        member_limit, total_limit = limits.get("member_bytes"), limits.get("archive_bytes")
        infos = self.zip.infolist()
        if len(infos) > limits.get("archive_members"):
            raise LimitExceeded(
                _("The file “%(name)s” holds %(count)s files; the limit is %(limit)s.")
                % {
                    "name": self.name,
                    "count": limits.count(len(infos)),
                    "limit": limits.count(limits.get("archive_members")),
                }
            )
        total = 0
        for info in infos:
            if not safe_member_name(info.filename):
                raise LimitExceeded(
                    _("The file “%(name)s” contains a file with an unsafe name: %(member)s")
                    % {"name": self.name, "member": info.filename}
                )
            if info.file_size > member_limit:
                raise limits.too_large_unpacked(self.name, info.file_size, member_limit)
            total += info.file_size
        if total > total_limit:
            raise limits.too_large_unpacked(self.name, total, total_limit)

    def namelist(self) -> list[str]:
        return self.zip.namelist()

    def open(self, member: str) -> "_Counted":
        """A member as a binary stream that counts what it unpacks and stops at the limits."""
        try:
            raw = self.zip.open(member)
        except (zipfile.BadZipFile, OSError, RuntimeError, ValueError, EOFError):
            raise BadArchive(self.name) from None
        return _Counted(raw, self, limits.get("member_bytes"))

    def read(self, member: str) -> bytes:
        """A whole member, read a chunk at a time within the limits."""
        with self.open(member) as stream:
            return stream.read()

    def close(self) -> None:
        zip_file = getattr(self, "zip", None)
        if zip_file is not None:
            zip_file.close()
        if self._own is not None:
            self._own.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class _Counted(io.RawIOBase):
    """A member being unpacked: every byte is counted against the member's and the archive's
    limits as it comes, whatever the headers said."""

    def __init__(self, raw, archive: Archive, member_limit: int):
        self.raw, self.archive, self.member_limit, self.size = raw, archive, member_limit, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def read(self, n: int = -1) -> bytes:
        if n is None or n < 0:
            chunks = []
            while chunk := self.read(CHUNK):
                chunks.append(chunk)
            return b"".join(chunks)
        try:
            data = self.raw.read(min(n, CHUNK))
        except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, ValueError):
            # A bad CRC (a header that lied about a size), a broken stream or a password.
            raise BadArchive(self.archive.name) from None
        self.size += len(data)
        self.archive.unpacked += len(data)
        if self.size > self.member_limit:
            raise limits.more_than_unpacked(self.archive.name, self.member_limit)
        total_limit = limits.get("archive_bytes")
        if self.archive.unpacked > total_limit:
            raise limits.more_than_unpacked(self.archive.name, total_limit)
        return data

    def close(self) -> None:
        self.raw.close()
        super().close()


ENTITY = b"<!ENTITY"


class _XmlStream:
    """An XML document read no further than `limit` bytes, watched for entity declarations.
    These are refused as they are read, before the parser sees them: libxml2 would otherwise
    expand or reject them with its own words, and the "billion laughs" is the reason they are
    refused at all. Documents we import never declare entities."""

    def __init__(self, fp, name: str, limit: int):
        self.fp, self.name, self.limit, self.size, self.tail = fp, name, limit, 0, b""

    def read(self, n: int = -1) -> bytes:
        data = self.fp.read(CHUNK if n is None or n < 0 else min(n, CHUNK))
        self.size += len(data)
        if self.size > self.limit:
            raise limits.more_than_unpacked(self.name, self.limit)
        # The tail of the previous chunk, in case the declaration is split across two reads.
        if ENTITY in self.tail + data:
            raise LimitExceeded(
                _("The file “%(name)s” declares its own XML entities, which are not accepted.")
                % {"name": self.name}
            )
        self.tail = data[-(len(ENTITY) - 1) :]
        return data


XML_OPTIONS = dict(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def iter_xml(source, *, name: str, keep: bool = True):
    """Parse untrusted XML from bytes, a binary file or an Archive member stream, within the
    XML size and depth limits, yielding ("start" or "end", element) as it goes; a caller may stop
    early. With keep=False each element is dropped once its end has been yielded, so memory
    stays flat however long the document. Raises LimitExceeded, or lxml's XMLSyntaxError for XML
    that is not well-formed (callers word that for their format)."""
    size_limit, depth_limit = limits.get("xml_bytes"), limits.get("xml_depth")
    if isinstance(source, bytes):
        if len(source) > size_limit:
            raise limits.too_large(name, len(source), size_limit)
        source = io.BytesIO(source)
    depth = 0
    stream = _XmlStream(source, name, size_limit)
    too_deep = LimitExceeded(
        _("The file “%(name)s” nests its content more than %(limit)s levels deep.")
        % {"name": name, "limit": depth_limit}
    )
    try:
        for event, element in etree.iterparse(stream, events=("start", "end"), **XML_OPTIONS):
            if event == "start":
                depth += 1
                if depth > depth_limit:
                    raise too_deep
                yield event, element
                continue
            depth -= 1
            yield event, element
            if not keep:
                # Drop what has been read, siblings included, so only the open path remains.
                element.clear()
                while element.getprevious() is not None:
                    del element.getparent()[0]
    except etree.XMLSyntaxError as exc:
        # libxml2 parses a chunk before it reports the chunk's elements, so nesting deeper than
        # its own ceiling (256) inside one chunk stops it first: the same refusal, in our words.
        if exc.code == etree.ErrorTypes.ERR_RESOURCE_LIMIT and "depth" in str(exc).lower():
            raise too_deep from None
        raise


def parse_xml(source, *, name: str, keep: bool = True):
    """The root element of an untrusted XML document, parsed by iter_xml (None with keep=False,
    which only checks the document)."""
    root = None
    for _event, element in iter_xml(source, name=name, keep=keep):
        if root is None:
            root = element
    return root if keep else None
