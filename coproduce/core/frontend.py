"""Copies the NHS.UK frontend (and htmx) from node_modules into a static folder Django serves.

The npm CSS refers to its images as /assets/images/...; we rewrite those to relative URLs so
Django's manifest storage can hash them like any other static file.
"""

import os
import re
import shutil
from pathlib import Path

from django.conf import settings

NODE_MODULES = Path(os.environ.get("COPRODUCE_NODE_MODULES", settings.REPO_DIR / "node_modules"))
OUT = settings.BASE_DIR / "static_build"
SOURCE_MAP = re.compile(rb"\n?/\*# sourceMappingURL=[^*]*\*/\s*$|\n?//# sourceMappingURL=\S*\s*$")


def _strip_map(data: bytes) -> bytes:
    return SOURCE_MAP.sub(b"\n", data)


def build(force: bool = False) -> Path:
    nhsuk = NODE_MODULES / "nhsuk-frontend" / "dist" / "nhsuk"
    htmx = NODE_MODULES / "htmx.org" / "dist" / "htmx.min.js"
    if not nhsuk.exists() or not htmx.exists():
        raise FileNotFoundError(
            f"Front-end packages not found in {NODE_MODULES}: run `npm ci` (make does this)."
        )
    marker = OUT / ".built"
    if marker.exists() and not force:
        return OUT
    if OUT.exists():
        shutil.rmtree(OUT)
    (OUT / "nhsuk").mkdir(parents=True)
    (OUT / "vendor").mkdir()
    css = (nhsuk / "nhsuk-frontend.min.css").read_bytes()
    css = css.replace(b"url(/assets/images/", b"url(images/")
    (OUT / "nhsuk" / "nhsuk-frontend.min.css").write_bytes(_strip_map(css))
    js = (nhsuk / "nhsuk-frontend.min.js").read_bytes()
    (OUT / "nhsuk" / "nhsuk-frontend.min.js").write_bytes(_strip_map(js))
    shutil.copytree(nhsuk / "assets" / "images", OUT / "nhsuk" / "images")
    (OUT / "vendor" / "htmx.min.js").write_bytes(_strip_map(htmx.read_bytes()))
    marker.write_text("built\n")
    return OUT
