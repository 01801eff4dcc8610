"""The front-end assets: built from node_modules in a checkout, used as packaged in a wheel."""

import json

import pytest

from coproduce.core import frontend


def _node_modules(root, nhsuk="10.6.1", htmx="2.0.4"):
    dist = root / "nhsuk-frontend" / "dist" / "nhsuk"
    (dist / "assets" / "images").mkdir(parents=True)
    (dist / "assets" / "images" / "logo.svg").write_text("<svg/>")
    (dist / "nhsuk-frontend.min.css").write_bytes(
        b".a{background:url(/assets/images/logo.svg)}\n/*# sourceMappingURL=x.map */"
    )
    (dist / "nhsuk-frontend.min.js").write_bytes(b"console.log(1)\n//# sourceMappingURL=x.map")
    (root / "htmx.org" / "dist").mkdir(parents=True)
    (root / "htmx.org" / "dist" / "htmx.min.js").write_bytes(b"htmx")
    (root / "nhsuk-frontend" / "package.json").write_text(json.dumps({"version": nhsuk}))
    (root / "htmx.org" / "package.json").write_text(json.dumps({"version": htmx}))
    return root


def test_build_records_versions(tmp_path):
    out = frontend.build(out=tmp_path / "out", node_modules=_node_modules(tmp_path / "nm"))
    assert (out / ".built").read_text() == "nhsuk-frontend 10.6.1\nhtmx.org 2.0.4\n"
    assert (out / "nhsuk" / "nhsuk-frontend.min.css").read_bytes() == (
        b".a{background:url(images/logo.svg)}\n"
    )
    assert (out / "nhsuk" / "images" / "logo.svg").exists()


def test_build_rebuilds_after_upgrade(tmp_path):
    out = tmp_path / "out"
    frontend.build(out=out, node_modules=_node_modules(tmp_path / "old"))
    (out / "vendor" / "htmx.min.js").write_bytes(b"stale")
    frontend.build(out=out, node_modules=_node_modules(tmp_path / "new", nhsuk="10.7.0"))
    assert (out / ".built").read_text() == "nhsuk-frontend 10.7.0\nhtmx.org 2.0.4\n"
    assert (out / "vendor" / "htmx.min.js").read_bytes() == b"htmx"


def test_build_same_versions_keeps_assets(tmp_path):
    node_modules = _node_modules(tmp_path / "nm")
    out = frontend.build(out=tmp_path / "out", node_modules=node_modules)
    (out / "vendor" / "htmx.min.js").write_bytes(b"kept")
    frontend.build(out=out, node_modules=node_modules)
    assert (out / "vendor" / "htmx.min.js").read_bytes() == b"kept"


def test_build_without_node_modules_uses_packaged_assets(tmp_path):
    # As in an installed wheel: assets built at wheel-build time, no npm at run time.
    out = frontend.build(out=tmp_path / "out", node_modules=_node_modules(tmp_path / "nm"))
    assert frontend.build(out=out, node_modules=tmp_path / "absent") == out
    assert (out / ".built").read_text() == "nhsuk-frontend 10.6.1\nhtmx.org 2.0.4\n"


def test_build_without_node_modules_or_assets_says_npm_ci(tmp_path):
    with pytest.raises(FileNotFoundError) as exc:
        frontend.build(out=tmp_path / "out", node_modules=tmp_path / "absent")
    assert "run `npm ci`" in str(exc.value)
