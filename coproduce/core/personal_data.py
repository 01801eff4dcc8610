"""Subject access: each app that holds records about a person says what they are.

An app takes part with a module `coproduce.<app>.personal_data` (found by `core.discovery`)
exposing `export_for(person) -> dict`, whose keys become
sections of the person's export (people.actions.export_person). A module may also expose
`erase_for(person, pseudonym)`, called inside people.actions.erase_person's transaction, for
copies of the person's name an app keeps (for example a coder's name in an insight study).
"""

from .discovery import app_modules


def _modules():
    return app_modules("personal_data")


def collect(person) -> dict:
    sections: dict = {}
    for module in _modules():
        sections.update(module.export_for(person))
    return sections


def erase(person, pseudonym: str) -> None:
    for module in _modules():
        if hasattr(module, "erase_for"):
            module.erase_for(person, pseudonym)
