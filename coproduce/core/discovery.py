"""Finds each app's contribution to a site-wide feature by module name.

Reminders (`<app>/reminders.py`), personal data for subject access (`<app>/personal_data.py`)
and demo data (`<app>/demo.py`) are provided by the apps that hold the records. `core` sits
below every app and must not name them, so it asks Django to import the module of that name from
every installed app (`autodiscover_modules`, as the admin does for `admin.py`) and collects
those that exist, in INSTALLED_APPS order.
"""

import sys
from types import ModuleType

from django.apps import apps
from django.utils.module_loading import autodiscover_modules


def app_modules(name: str) -> list[ModuleType]:
    # An app without the module is skipped; an error inside one that exists is raised.
    autodiscover_modules(name)
    found = []
    for config in apps.get_app_configs():
        # core holds the registries themselves; third-party apps take no part.
        if not config.name.startswith("coproduce.") or config.name == "coproduce.core":
            continue
        module = sys.modules.get(f"{config.name}.{name}")
        if module is not None:
            found.append(module)
    return found
