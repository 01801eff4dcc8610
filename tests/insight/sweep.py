"""Permission-sweep entries for insight studies (see tests/test_permission_sweep.py).

The study belongs to the world's organisation; the co-chair is its lead researcher (a
lived-experience co-researcher) and the member a coder. Each area adds its rows in
sweep_<area>.py with an `entries(world, study)` function.
"""

from importlib import import_module

from coproduce.insight import actions
from coproduce.insight.models import StudyRole

AREAS = ["studies", "sources", "coding", "outputs", "exchange", "search", "assist"]
# Who may read a study, code it, manage it, and see the pseudonym key.
VIEW = {"member", "cochair", "lead", "admin"}
CODE = {"member", "cochair", "lead", "admin"}
MANAGE = {"cochair", "lead", "admin"}
KEY = {"cochair", "admin"}


def build(world):
    study = actions.create_study(
        by=world["admin"].user,
        organisation=world["org"],
        project=world["project"],
        title="Barriers to coproduction",
        slug="barriers",
        descriptor_template="{sample_group}, {role}",
    )
    actions.set_member(by=None, study=study, person=world["cochair"], role=StudyRole.LEAD)
    actions.set_member(by=None, study=study, person=world["member"], role=StudyRole.CODER)
    # The admin created it and so is a lead too; that is within the admin's powers anyway.
    participant = actions.add_participant(
        by=None,
        study=study,
        identifier="P01",
        attributes={"sample_group": "Public", "role": "patient"},
    )
    text = "Interviewer: How was it?\nP01: Nobody listened to me at first.\n"
    source = actions.add_source(
        by=None,
        study=study,
        name="Interview P01",
        text=text,
        turns=[("Interviewer", 0, 24), ("P01", 25, len(text) - 1)],
    )
    code = study.codes.get(framework_key="comb:psychological_capability")
    coding = actions.add_coding(
        by=None,
        source=source,
        codes=[code],
        start=30,
        end=61,
        polarity="barrier",
        coder=actions.coder_for(study=study, person=world["member"]),
    )[0]
    theme = actions.create_theme(
        by=None,
        study=study,
        name="Not being heard",
        comb="psychological_capability",
        classification="barrier",
        codes=[code],
    )
    return {
        "study": study,
        "participant": participant,
        "source": source,
        "code": code,
        "coding": coding,
        "theme": theme,
    }


def _areas():
    for area in AREAS:
        try:
            yield import_module(f"tests.insight.sweep_{area}")
        except ModuleNotFoundError as exc:
            if exc.name != f"tests.insight.sweep_{area}":
                raise


def entries(world) -> dict:
    """{url name: (path, roles allowed to GET, status for them)} from every area."""
    objects = build(world)
    table = {}
    for module in _areas():
        table.update(module.entries(world, objects))
    return table


def writes() -> list[str]:
    """URL names that accept POST; refused roles must change nothing."""
    return [name for module in _areas() for name in module.writes()]
