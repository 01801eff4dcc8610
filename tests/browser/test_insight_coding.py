"""Coding a transcript by keyboard alone: a coder moves to a turn, steps to its second sentence,
ticks a code, marks it a barrier and applies it; the coding is stored with exact code-point
offsets even though an accented letter, a curly apostrophe and an emoji come before it (so
UTF-16 and code-point counts differ). Axe on every page visited."""

import pytest
from playwright.sync_api import expect

from coproduce.insight import actions
from coproduce.insight.models import Coding, StudyRole

from ..factories import OrganisationFactory, OrganisationLinkFactory, person_with_user
from .helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = (
    "Interviewer: Sut oedd y café? Tell me what happened.\n"
    "P01: The café’s staff were kind 😀 at first. Nobody explained the letters. I felt lost.\n"
)
PASSAGE = "Nobody explained the letters."


def _study():
    org = OrganisationFactory(name="Dyffryn Teg Health Board", slug="dyffryn-teg")
    lead = person_with_user(full_name="Lowri Lead")
    OrganisationLinkFactory(person=lead, organisation=org, role="lead")
    coder = person_with_user(full_name="Ceri Coder")
    study = actions.create_study(
        by=lead.user, organisation=org, title="Barriers to coproduction", slug="barriers"
    )
    actions.set_member(by=lead.user, study=study, person=coder, role=StudyRole.CODER)
    actions.add_participant(by=None, study=study, identifier="P01")
    first_end = TEXT.index("\n")
    source = actions.add_source(
        by=None,
        study=study,
        name="Interview P01",
        text=TEXT,
        turns=[("Interviewer", 0, first_end), ("P01", first_end + 1, len(TEXT) - 1)],
    )
    return study, source, coder


def _htmx_settled(page):
    """Wait until htmx has swapped and settled the last response: a key pressed on a freshly
    swapped form before htmx has taken it over submits it the ordinary way (a full page)."""
    busy = ".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added"
    page.wait_for_function(f"() => !document.querySelector('{busy}')")


def _focused_id(page):
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_coding_by_keyboard_only_stores_code_point_offsets(page, axe_check):
    study, source, coder = _study()
    sign_in(page, axe_check, coder.email)
    page.goto(f"/insight/{study.slug}/sources/{source.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Interview P01")
    axe_check(page)

    # Tab from the top of the page into the transcript (the first turn takes focus).
    for _ in range(60):
        page.keyboard.press("Tab")
        if _focused_id(page) == "turn-0":
            break
    assert _focused_id(page) == "turn-0"

    # Down to the participant's turn, then two sentences along.
    page.keyboard.press("ArrowDown")
    assert _focused_id(page) == "turn-1"
    page.keyboard.press("ArrowRight")
    expect(page.locator("#selection-preview blockquote")).to_have_text(
        "P01: The café’s staff were kind 😀 at first."
    )
    page.keyboard.press("ArrowRight")
    expect(page.locator("#selection-preview blockquote")).to_have_text(PASSAGE)

    # To the coding panel: filter the codes, tick the first one shown, mark it a barrier.
    page.keyboard.press("c")
    assert _focused_id(page) == "code-filter"
    page.keyboard.type("psycho")
    page.keyboard.press("Enter")
    focused_label = page.evaluate("document.activeElement.labels[0].textContent.trim()")
    assert focused_label == "Psychological capability"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # the new-code box
    assert _focused_id(page) == "id_new_code"
    page.keyboard.press("Tab")  # the polarity radios, on "Neutral"
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.value") == "barrier"
    page.keyboard.press("Tab")
    assert _focused_id(page) == "apply-codes"
    page.keyboard.press("Enter")

    expect(page.locator("#coding-status")).to_contain_text(
        "1 coding added: Psychological capability."
    )
    coding = Coding.objects.get()
    start = TEXT.index(PASSAGE)
    assert (coding.start, coding.end, coding.polarity) == (start, start + len(PASSAGE), "barrier")
    assert coding.code.name == "Psychological capability"
    assert coding.coder.person == coder
    # UTF-16 would have put it one further along: the emoji is two UTF-16 units.
    assert len(TEXT[:start].encode("utf-16-le")) // 2 == start + 1
    # The coded passage is highlighted and listed; focus is back on the turn.
    expect(page.locator("mark.insight-mark")).to_have_text(PASSAGE)
    expect(page.locator(f"#coding-{coding.pk}")).to_contain_text("Psychological capability")
    expect(page.locator("#turn-1")).to_be_focused()
    axe_check(page)

    # Change it to a facilitator, then remove it, from its entry under the turn.
    _htmx_settled(page)
    page.locator(f"#polarity-{coding.pk}").select_option("facilitator")
    page.locator(f"#coding-{coding.pk} button", has_text="Change").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#coding-status")).to_contain_text(
        "Psychological capability is now marked: Facilitator."
    )
    coding.refresh_from_db()
    assert coding.polarity == "facilitator"
    _htmx_settled(page)
    page.locator(f"#coding-{coding.pk} button", has_text="Remove").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#coding-status")).to_contain_text(
        "Coding removed: Psychological capability."
    )
    expect(page.locator("mark.insight-mark")).to_have_count(0)
    assert not Coding.objects.exists()

    # The code's page says so.
    page.goto(f"/insight/{study.slug}/codes/{coding.code_id}/")
    expect(page.get_by_text("No passages have this code yet.")).to_be_visible()
    axe_check(page)
    page.goto(f"/insight/{study.slug}/codebook/")
    axe_check(page)


def test_coding_without_javascript_codes_a_whole_turn(browser, live_server):
    # Axe needs JavaScript; the keyboard test above scans the same pages.
    study, source, coder = _study()
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, lambda page: None, coder.email)
        page.goto(f"/insight/{study.slug}/sources/{source.pk}/")
        page.get_by_role("link", name="Code this turn (P01, turn 2)").click()
        expect(page.locator("#selection-preview blockquote")).to_contain_text("P01: The café’s")
        page.get_by_label("Psychological capability").check()
        page.get_by_role("button", name="Apply").click()
        page.wait_for_url(f"**/insight/{study.slug}/sources/{source.pk}/#turn-1")
    finally:
        context.close()
    coding = Coding.objects.get()
    first_end = TEXT.index("\n")
    assert (coding.start, coding.end) == (first_end + 1, len(TEXT) - 1)


@pytest.mark.parametrize("language", ["en", "cy"])
def test_coding_pages_accessible(page, axe_check, live_server, language):
    """Every page of this area, as a lead researcher, passes axe in English and Welsh."""
    study, source, coder = _study()
    lead = study.members.get(role="lead").person
    code = study.codes.get(framework_key="comb:psychological_capability")
    start = TEXT.index(PASSAGE)
    coding = actions.add_coding(
        by=coder.user, source=source, codes=[code], start=start, end=start + len(PASSAGE)
    )[0]
    theme = actions.create_theme(by=None, study=study, name="Not heard", codes=[code])
    memo = actions.write_memo(by=lead.user, study=study, text="A memo", coding=coding)
    sign_in(page, axe_check, lead.email)
    page.context.add_cookies(
        [{"name": "coproduce_language", "value": language, "url": live_server.url}]
    )
    s = study.slug
    for path in [
        f"/insight/{s}/sources/{source.pk}/",
        f"/insight/{s}/sources/{source.pk}/?coders=mine",
        f"/insight/{s}/codebook/",
        f"/insight/{s}/codebook/versions/",
        f"/insight/{s}/codes/new/",
        f"/insight/{s}/codes/{code.pk}/",
        f"/insight/{s}/codes/{code.pk}/edit/",
        f"/insight/{s}/themes/",
        f"/insight/{s}/themes/new/",
        f"/insight/{s}/themes/{theme.pk}/edit/",
        f"/insight/{s}/memos/",
        f"/insight/{s}/memos/new/?coding={coding.pk}",
        f"/insight/{s}/memos/{memo.pk}/edit/",
    ]:
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == language, path
        axe_check(page)
    # A form with errors (error summary) too.
    page.goto(f"/insight/{s}/codes/new/")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    axe_check(page)


def test_coding_panel_at_200_percent_zoom_by_keyboard(page, axe_check):
    """At 200% zoom (a 640 px wide window) the panel follows the transcript and scrolls with the
    page; the keyboard help comes before the transcript; a failed Apply shows its error inside
    the panel's form and takes focus; after Apply the preview and the filter start afresh."""
    study, source, coder = _study()
    sign_in(page, axe_check, coder.email)
    page.set_viewport_size({"width": 640, "height": 450})
    page.goto(f"/insight/{study.slug}/sources/{source.pk}/")
    axe_check(page)
    side = page.locator(".insight-side")
    assert side.evaluate(
        "e => [getComputedStyle(e).position, e.scrollHeight <= e.clientHeight + 1]"
    ) == ["static", True]

    # Tab reaches the keyboard help before the first turn, and it opens.
    stops = []
    for _ in range(60):
        page.keyboard.press("Tab")
        stops.append(
            _focused_id(page) or page.evaluate("document.activeElement.textContent.trim()")
        )
        if stops[-1] == "turn-0":
            break
    assert stops.index("How to code with a keyboard") < stops.index("turn-0")

    # Apply with nothing selected: the error is in the panel's form, and takes focus.
    page.locator("#apply-codes").focus()
    page.keyboard.press("Enter")
    summary = page.locator("#coding-panel #coding-errors .nhsuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(["Select some text in the transcript first."])
    assert page.locator("#coding-status").inner_text() == ""
    axe_check(page)
    # Its link goes back to the transcript's turn.
    summary.get_by_role("link", name="Select some text in the transcript first.").focus()
    page.keyboard.press("Enter")
    assert _focused_id(page) == "turn-0"

    # Select the participant's turn, filter and tick a code, apply.
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.locator("#selection-preview blockquote")).to_contain_text("P01: The café’s")
    page.keyboard.press("c")
    page.keyboard.type("psycho")
    page.keyboard.press("Enter")
    page.keyboard.press("Space")
    page.locator("#apply-codes").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#coding-status")).to_contain_text("1 coding added")
    expect(page.locator("#coding-errors")).to_be_empty()
    expect(page.locator("#selection-preview")).to_have_text(
        "Nothing selected yet. Select text in the transcript, or choose “Code this turn”."
    )
    assert page.locator("#code-filter").input_value() == ""
    assert page.locator(".insight-code-tree .nhsuk-checkboxes__item[hidden]").count() == 0
    assert (page.locator("#id_start").input_value(), page.locator("#id_end").input_value()) == (
        "",
        "",
    )
    axe_check(page)
    assert Coding.objects.count() == 1
