"""Subject access: each app that holds records about a person says what they are.

An app lists itself here with a module exposing `export_for(person) -> dict`, whose keys become
sections of the person's export (people.actions.export_person).
"""

from importlib import import_module

PROVIDERS = [
    "coproduce.decisions.personal_data",
    "coproduce.reports.personal_data",
    "coproduce.measures.personal_data",
    "coproduce.recognition.personal_data",
]


def collect(person) -> dict:
    sections: dict = {}
    for name in PROVIDERS:
        try:
            module = import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        sections.update(module.export_for(person))
    return sections
