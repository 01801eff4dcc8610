"""Copies the NHS.UK frontend (and htmx) from node_modules into a static folder Django serves.

The npm CSS refers to its images as /assets/images/...; we rewrite those to relative URLs so
Django's manifest storage can hash them like any other static file.

This module imports neither Django nor the rest of the package: the wheel build (setup.py)
loads it by path, in an isolated build environment with no Django, to put the assets inside the
wheel. An installed wheel then needs no npm and no node_modules at run time.
"""

import json
import os
import re
import shutil
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
NODE_MODULES = Path(os.environ.get("COPRODUCE_NODE_MODULES") or PACKAGE_DIR.parent / "node_modules")
OUT = PACKAGE_DIR / "static_build"
# The npm packages whose files are copied; their installed versions go into the marker, so an
# upgraded frontend is rebuilt rather than the old copy kept.
PACKAGES = ("nhsuk-frontend", "htmx.org")
SOURCE_MAP = re.compile(rb"\n?/\*# sourceMappingURL=[^*]*\*/\s*$|\n?//# sourceMappingURL=\S*\s*$")
# The NHS.UK font (Frutiger) comes from assets.nhs.uk and is licensed for the nhs.uk domain. We
# drop its @font-face rules and use the NHS.UK fallback, Arial: Chromium fetches a linked
# stylesheet's web fonts even when a later rule stops using them, and where the host cannot be
# reached every page then waited seconds for it (issue 16). No outside request, no wait.
FONT_HOST = b"assets.nhs.uk"
FONT_FACE = re.compile(rb"@font-face\{[^}]*assets\.nhs\.uk[^}]*\}")


def _strip_map(data: bytes) -> bytes:
    return SOURCE_MAP.sub(b"\n", data)


def _asks_font_host(out: Path) -> bool:
    """A build from before the font rules were dropped: rebuilt, whatever its marker says."""
    css = out / "nhsuk" / "nhsuk-frontend.min.css"
    return css.exists() and FONT_HOST in css.read_bytes()


def installed_versions(node_modules: Path = NODE_MODULES) -> str | None:
    """'nhsuk-frontend 10.6.1\\nhtmx.org 2.0.4\\n' for the packages in node_modules, or None
    when they are not there (an installed wheel, which carries its assets built)."""
    lines = []
    for name in PACKAGES:
        manifest = node_modules / name / "package.json"
        if not manifest.exists():
            return None
        lines.append(f"{name} {json.loads(manifest.read_text())['version']}\n")
    return "".join(lines)


def build(force: bool = False, *, out: Path = OUT, node_modules: Path = NODE_MODULES) -> Path:
    """Build the assets into `out` unless they are there already for the same npm versions.

    Without node_modules, assets already built (as in an installed wheel) are used as they are.
    """
    marker = out / ".built"
    versions = installed_versions(node_modules)
    if marker.exists() and not force and not _asks_font_host(out):
        if versions is None or marker.read_text() == versions:
            return out
    if versions is None:
        raise FileNotFoundError(
            f"Front-end packages not found in {node_modules}: run `npm ci` (make does this), "
            "or install coproduce from a wheel, which carries them built."
        )
    nhsuk = node_modules / "nhsuk-frontend" / "dist" / "nhsuk"
    htmx = node_modules / "htmx.org" / "dist" / "htmx.min.js"
    # Built beside and swapped in, so a running server never sees a half-built folder.
    partial = out.with_name(out.name + ".partial")
    if partial.exists():
        shutil.rmtree(partial)
    (partial / "nhsuk").mkdir(parents=True)
    (partial / "vendor").mkdir()
    css = (nhsuk / "nhsuk-frontend.min.css").read_bytes()
    css = css.replace(b"url(/assets/images/", b"url(images/")
    css = FONT_FACE.sub(b"", css).replace(b"font-family:Frutiger W01,", b"font-family:")
    (partial / "nhsuk" / "nhsuk-frontend.min.css").write_bytes(_strip_map(css))
    js = (nhsuk / "nhsuk-frontend.min.js").read_bytes()
    (partial / "nhsuk" / "nhsuk-frontend.min.js").write_bytes(_strip_map(js))
    shutil.copytree(nhsuk / "assets" / "images", partial / "nhsuk" / "images")
    (partial / "vendor" / "htmx.min.js").write_bytes(_strip_map(htmx.read_bytes()))
    (partial / ".built").write_text(versions)
    if out.exists():
        shutil.rmtree(out)
    partial.rename(out)
    return out
