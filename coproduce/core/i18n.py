"""The Welsh catalogue: extracting strings (Python and Jinja) and compiling, with Babel so no
GNU gettext install is needed on a fresh machine."""

from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

PACKAGE_DIR = Path(__file__).resolve().parent.parent
LOCALE_DIR = PACKAGE_DIR / "locale"
DOMAIN = "django"

METHOD_MAP = [
    ("**/migrations/**.py", "ignore"),
    ("**.py", "python"),
    ("**/templates/**.html", "jinja2"),
    ("**/templates/**.txt", "jinja2"),
]
OPTIONS_MAP = {"**/templates/**": {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true"}}
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
}


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def extract() -> Catalog:
    """Every translatable string in the package, as a template catalogue."""
    catalog = Catalog(project="coproduce", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(PACKAGE_DIR), METHOD_MAP, OPTIONS_MAP, keywords=KEYWORDS, strip_comment_tags=True
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def read(language: str) -> Catalog:
    with po_path(language).open("rb") as fh:
        return read_po(fh, locale=language)


def update(language: str) -> Catalog:
    """Merge newly extracted strings into the language's .po (keeps existing translations)."""
    template = extract()
    path = po_path(language)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        catalog = read(language)
        catalog.update(template, no_fuzzy_matching=True)
    else:
        catalog = Catalog(locale=language, project="coproduce", charset="utf-8")
        catalog.update(template, no_fuzzy_matching=True)
    with path.open("wb") as fh:
        write_po(fh, catalog, width=100, sort_output=True, omit_header=False, ignore_obsolete=True)
    return catalog


def missing(language: str) -> list[str]:
    """Extracted strings with no (or a fuzzy) translation in the language's catalogue."""
    catalog = read(language)
    gaps = []
    for message in extract():
        if not message.id:
            continue
        found = catalog.get(message.id, context=message.context)
        if found is None or found.fuzzy or not _translated(found.string):
            gaps.append(message.id if isinstance(message.id, str) else message.id[0])
    return gaps


def _translated(string) -> bool:
    if isinstance(string, tuple | list):
        return all(s for s in string)
    return bool(string)


def compile_all(force: bool = False, *, locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Compile each .po to .mo when the .mo is missing or older. The wheel build (setup.py)
    calls this on its copy of the package, so an installed wheel carries its .mo files."""
    written = []
    for po in locale_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po"):
        mo = po.with_suffix(".mo")
        if not force and mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=po.parent.parent.name)
        buffer = BytesIO()
        write_mo(buffer, catalog, use_fuzzy=False)
        # Written beside and renamed into place, so a process reading the catalogue never
        # sees half a file.
        partial = mo.with_suffix(".mo.partial")
        partial.write_bytes(buffer.getvalue())
        partial.replace(mo)
        written.append(mo)
    return written
