"""Subject access: each app that holds records about a person says what they are.

An app lists itself here with a module exposing `export_for(person) -> dict`, whose keys become
sections of the person's export (people.actions.export_person). A module may also expose
`erase_for(person, pseudonym)`, called inside people.actions.erase_person's transaction, for
copies of the person's name an app keeps (for example a coder's name in an insight study).
"""

from importlib import import_module

PROVIDERS = [
    "coproduce.decisions.personal_data",
    "coproduce.reports.personal_data",
    "coproduce.measures.personal_data",
    "coproduce.recognition.personal_data",
    "coproduce.consultations.personal_data",
    "coproduce.insight.personal_data",
]


def _modules():
    for name in PROVIDERS:
        try:
            yield import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise


def collect(person) -> dict:
    sections: dict = {}
    for module in _modules():
        sections.update(module.export_for(person))
    return sections


def erase(person, pseudonym: str) -> None:
    for module in _modules():
        if hasattr(module, "erase_for"):
            module.erase_for(person, pseudonym)
