"""Wide content stays inside its own box (issue 16, point 8) and pages use no outside font
(point 13). At a phone's 390 px and a laptop's 1,280 px the page itself never scrolls sideways;
a wide table scrolls inside a focusable region named after it."""

import pytest
from playwright.sync_api import expect

from coproduce.decisions import actions as decision_actions
from coproduce.insight import actions as insight_actions

from ..factories import (
    MembershipFactory,
    OrganisationFactory,
    OrganisationLinkFactory,
    ProjectFactory,
    person_with_user,
)
from .helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

THEMES = [
    "Knowing who to ask",
    "Letters nobody explained",
    "Waiting without news",
    "Being believed",
    "Transport to appointments",
    "Cost of taking part",
    "Welsh-language support",
    "Digital confidence",
    "Carers’ own needs",
    "Time off work",
    "Trust in staff",
    "Feeling part of decisions",
]


def _world():
    org = OrganisationFactory(name="Dyffryn Teg Health Board", slug="dyffryn-teg")
    lead = person_with_user(full_name="Lowri Lead")
    OrganisationLinkFactory(person=lead, organisation=org, role="lead")
    study = insight_actions.create_study(
        by=lead.user, organisation=org, title="Barriers to coproduction", slug="barriers"
    )
    people = [
        insight_actions.add_participant(by=None, study=study, identifier=f"P{n:02}")
        for n in range(1, 4)
    ]
    for name in THEMES:
        theme = insight_actions.create_theme(by=lead.user, study=study, name=name)
        insight_actions.set_matrix_cell(
            by=lead.user,
            theme=theme,
            participant=people[0],
            summary="Said the letters used words nobody at home understood.",
        )
    project = ProjectFactory(title="Diabetes clinic", organisations=[org])
    MembershipFactory(project=project, person=lead, role="co_chair", perspective="professional")
    decision_actions.propose_decision(
        by=lead.user,
        project=project,
        proposer=lead,
        title="Open the clinic in the evenings on Tuesdays and Thursdays",
        proposal="From 5pm to 8pm.",
        method="consent",
        notify=False,
    )
    return lead, study, project


def _page_width(page):
    return page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )


@pytest.mark.parametrize("width", [390, 1280])
def test_wide_content_page_never_scrolls_sideways(page, axe_check, width):
    lead, study, project = _world()
    sign_in(page, axe_check, lead.email)
    page.set_viewport_size({"width": width, "height": 900})
    pages = {
        f"/insight/{study.slug}/matrix/": "Framework matrix",
        f"/projects/{project.pk}/decisions/": "Decisions of Diabetes clinic",
        "/people/": "People on the register",
    }
    for path, table in pages.items():
        page.goto(path)
        scroll, client = _page_width(page)
        assert scroll <= client, (path, width, scroll, client)
        region = page.get_by_role("region", name=table)
        expect(region).to_have_attribute("tabindex", "0")
        axe_check(page)
    # The register's filters fit their box.
    page.goto("/people/")
    box = page.locator(".coproduce-filters").bounding_box()
    select = page.get_by_label("Access need").bounding_box()
    assert select["x"] + select["width"] <= box["x"] + box["width"]


def test_wide_table_scrolls_by_keyboard_with_participant_column_in_view(page, axe_check):
    lead, study, _project = _world()
    sign_in(page, axe_check, lead.email)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/insight/{study.slug}/matrix/")
    region = page.get_by_role("region", name="Framework matrix")
    region.focus()
    expect(region).to_be_focused()
    for _step in range(10):
        page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.activeElement.scrollLeft >= 200")
    # The participant column stays in view while the themes scroll past.
    first = page.get_by_role("rowheader", name="P01").bounding_box()
    frame = region.bounding_box()
    assert frame["x"] <= first["x"] < frame["x"] + 10
    # Each theme column is wide enough to read, not squeezed.
    header = page.get_by_role("columnheader", name="Knowing who to ask").bounding_box()
    assert header["width"] >= 160


def test_pages_use_no_outside_font(page, axe_check):
    lead, study, _project = _world()
    sign_in(page, axe_check, lead.email)
    page.goto(f"/insight/{study.slug}/matrix/")
    family = page.evaluate("getComputedStyle(document.body).fontFamily")
    fonts = page.evaluate("[...document.fonts].map(f => f.status)")
    assert (family, fonts, page.blocked_requests) == ("arial, sans-serif", [], [])
