"""Pages ask no outside host for fonts (issue 16, point 13): the built NHS.UK stylesheet has no
@font-face for assets.nhs.uk, so Chromium never waits for it; the NHS.UK fallback, Arial, shows
at once."""

import json

from coproduce.core import frontend

FONT_FACE = (
    b"@font-face{font-family:Frutiger W01;font-style:normal;font-weight:400;"
    b"font-display:fallback;src:url(https://assets.nhs.uk/fonts/FrutigerLTW01-55Roman.woff2) "
    b'format("woff2")}'
)


def _node_modules(root):
    dist = root / "nhsuk-frontend" / "dist" / "nhsuk"
    (dist / "assets" / "images").mkdir(parents=True)
    (dist / "nhsuk-frontend.min.css").write_bytes(
        b"html{font-family:Frutiger W01,arial,sans-serif}" + FONT_FACE + b".a{color:red}"
    )
    (dist / "nhsuk-frontend.min.js").write_bytes(b"console.log(1)")
    (root / "htmx.org" / "dist").mkdir(parents=True)
    (root / "htmx.org" / "dist" / "htmx.min.js").write_bytes(b"htmx")
    (root / "nhsuk-frontend" / "package.json").write_text(json.dumps({"version": "10.6.1"}))
    (root / "htmx.org" / "package.json").write_text(json.dumps({"version": "2.0.4"}))
    return root


def test_frontend_build_drops_the_font_host(tmp_path):
    out = frontend.build(out=tmp_path / "out", node_modules=_node_modules(tmp_path / "nm"))
    assert (out / "nhsuk" / "nhsuk-frontend.min.css").read_bytes() == (
        b"html{font-family:arial,sans-serif}.a{color:red}"
    )


def test_frontend_build_rebuilds_an_older_build_that_asks_the_font_host(tmp_path):
    node_modules = _node_modules(tmp_path / "nm")
    out = frontend.build(out=tmp_path / "out", node_modules=node_modules)
    css = out / "nhsuk" / "nhsuk-frontend.min.css"
    css.write_bytes(FONT_FACE)  # as built before the font rules were dropped
    frontend.build(out=out, node_modules=node_modules)
    assert css.read_bytes() == b"html{font-family:arial,sans-serif}.a{color:red}"


def test_frontend_built_stylesheet_names_no_outside_host():
    frontend.build()
    css = (frontend.OUT / "nhsuk" / "nhsuk-frontend.min.css").read_bytes()
    assert (b"assets.nhs.uk" in css, b"Frutiger" in css) == (False, False)
