"""Builds the wheel with the front-end assets and the compiled Welsh catalogue inside it.

Everything else about the package is in pyproject.toml. At wheel-build time this copies the
NHS.UK frontend and htmx from node_modules (`npm ci` first, or COPRODUCE_NODE_MODULES) into the
package's static_build folder and compiles the .po catalogues to .mo, so an installed wheel
serves its pages with no npm, no node_modules and no source checkout, and never writes into
site-packages. Editable installs (`make install`) skip this: the checkout builds its assets
itself (`coproduce manage build_frontend`).
"""

import importlib.util
import os
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


def _load(name: str, relative: str):
    # By path, not `import coproduce...`: the package's __init__ chain would need Django, which
    # the isolated build environment does not have. Both modules need only the standard
    # library (and Babel, a build requirement).
    spec = importlib.util.spec_from_file_location(name, ROOT / relative)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class BuildWithAssets(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        package = Path(self.build_lib) / "coproduce"
        frontend = _load("_coproduce_build_frontend", "coproduce/core/frontend.py")
        node_modules = Path(os.environ.get("COPRODUCE_NODE_MODULES") or ROOT / "node_modules")
        frontend.build(force=True, out=package / "static_build", node_modules=node_modules)
        i18n = _load("_coproduce_build_i18n", "coproduce/core/i18n.py")
        i18n.compile_all(force=True, locale_dir=package / "locale")
        # Only the .mo is read at run time. Without the .po an installed package has nothing
        # to recompile, so it never tries to write into site-packages.
        for po in (package / "locale").glob("*/LC_MESSAGES/*.po"):
            po.unlink()


setup(cmdclass={"build_py": BuildWithAssets})
