"""The insight journey in a browser, as a study's lead researcher: import a transcript (and see
malformed files refused with nothing added), code a passage by keyboard alone, group the code
into a barrier theme, find it in Table 3 and the framework matrix, write a matrix summary and
download Table 3 as a Word document. Axe on every page visited, then the reading pages again in
Welsh."""

import io

import pytest
from playwright.sync_api import expect

from coproduce.insight import actions
from coproduce.insight.models import Coding, MatrixCell, Source, Theme

from ..factories import OrganisationFactory, OrganisationLinkFactory, person_with_user
from .helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# An accented letter, a curly apostrophe and an emoji come before the passage, so code-point
# and UTF-16 offsets differ.
TEXT = (
    "Interviewer: Sut oedd y café? Tell me what happened.\n"
    "P01: The café’s staff were kind 😀 at first. Nobody explained the letters. I felt lost.\n"
)
PASSAGE = "Nobody explained the letters."
CODE = "Psychological capability"
THEME = "Letters nobody explains"


def _study():
    org = OrganisationFactory(name="Dyffryn Teg Health Board", slug="dyffryn-teg")
    lead = person_with_user(full_name="Lowri Lead")
    OrganisationLinkFactory(person=lead, organisation=org, role="lead")
    study = actions.create_study(
        by=lead.user,
        organisation=org,
        title="Barriers to coproduction",
        slug="barriers",
        descriptor_template="{sample_group}, {role}",
    )
    participant = actions.add_participant(
        by=lead.user,
        study=study,
        identifier="P01",
        attributes={"sample_group": "Public", "role": "patient"},
    )
    return study, participant, lead


def _upload(page, name, mime, data):
    page.get_by_label("Transcripts").set_input_files(
        files=[{"name": name, "mimeType": mime, "buffer": data}]
    )


def _nav(page, name):
    """Follow a link of the study's navigation, unfolding it where a page folds it away."""
    link = page.locator(".coproduce-study-nav").get_by_role("link", name=name, exact=True)
    if not link.is_visible():
        page.locator("summary", has_text="Parts of this study").click()
    link.click()


def _focused_id(page):
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_insight_journey_import_code_theme_outputs(page, axe_check, live_server):
    study, participant, lead = _study()
    sign_in(page, axe_check, lead.email)

    # 1. From the study's overview to the import page, through the links.
    page.goto("/insight/")
    axe_check(page)
    page.locator("main").get_by_role("link", name=study.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Overview")
    axe_check(page)
    _nav(page, "Sources")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sources")
    axe_check(page)
    page.get_by_role("link", name="Import transcripts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import transcripts")
    axe_check(page)

    # A malformed Word file (not a zip) is refused with a clear message; nothing is added.
    _upload(
        page,
        "Broken.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        b"this is not a zip file",
    )
    page.get_by_label("Interview", exact=True).check()
    page.get_by_role("button", name="Import").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text(
        "Broken.docx: The Word file could not be read. Open it in Word, save it again and retry."
    )
    expect(page.locator("#id_files-error")).to_contain_text("Broken.docx")
    assert Source.objects.filter(study=study).count() == 0
    axe_check(page)

    # An empty text file too.
    _upload(page, "Empty.txt", "text/plain", b"")
    page.get_by_role("button", name="Import").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Empty.txt is empty.")
    assert Source.objects.filter(study=study).count() == 0
    axe_check(page)

    # The real transcript: UTF-8 with non-ASCII, two speaker labels, P01 a participant.
    _upload(page, "Interview P01.txt", "text/plain", TEXT.encode("utf-8"))
    page.get_by_label("Interview", exact=True).check()
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Transcripts imported")
    expect(page.get_by_role("status")).to_have_text("1 source imported.")
    row = page.locator("main table tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("th")).to_have_text("Interview P01")
    cells = row.locator("td")
    expect(cells.nth(0)).to_have_text("2")
    expect(cells.nth(1)).to_have_text("P01 → P01")
    expect(cells.nth(2)).to_contain_text("Interviewer")
    axe_check(page)
    source = Source.objects.get(study=study)
    assert (source.name, source.kind, source.text.strip()) == (
        "Interview P01",
        "interview",
        TEXT.strip(),
    )
    assert list(source.turns.order_by("start").values_list("speaker", "participant")) == [
        ("Interviewer", None),
        ("P01", participant.pk),
    ]

    # 2. Open it from the report and code a passage by keyboard alone.
    row.get_by_role("link", name="Interview P01", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Interview P01")
    expect(page.get_by_text("How to code with a keyboard")).to_be_visible()
    axe_check(page)
    for _ in range(80):
        page.keyboard.press("Tab")
        if _focused_id(page) == "turn-0":
            break
    assert _focused_id(page) == "turn-0"
    page.keyboard.press("ArrowDown")
    assert _focused_id(page) == "turn-1"
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(page.locator("#selection-preview blockquote")).to_have_text(PASSAGE)
    page.keyboard.press("c")
    assert _focused_id(page) == "code-filter"
    page.keyboard.type("psycho")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.labels[0].textContent.trim()") == CODE
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # the new-code box
    page.keyboard.press("Tab")  # the polarity radios, on "Neutral"
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.value") == "barrier"
    page.keyboard.press("Tab")
    assert _focused_id(page) == "apply-codes"
    page.keyboard.press("Enter")
    expect(page.locator("#coding-status")).to_contain_text(f"1 coding added: {CODE}.")
    coding = Coding.objects.get(source=source)
    start = source.text.index(PASSAGE)
    assert (coding.start, coding.end, coding.polarity) == (start, start + len(PASSAGE), "barrier")
    assert start == TEXT.index(PASSAGE)
    assert source.text[coding.start : coding.end] == PASSAGE
    assert coding.code.name == CODE
    expect(page.locator("mark.insight-mark")).to_have_text(PASSAGE)
    axe_check(page)

    # 3. A barrier theme under the same COM-B sub-component, holding that code.
    _nav(page, "Themes")
    axe_check(page)
    page.get_by_role("link", name="Add a theme").click()
    axe_check(page)
    page.get_by_role("button", name="Add theme").click()  # empty: errors, nothing saved
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    assert not Theme.objects.filter(study=study).exists()
    axe_check(page)
    page.get_by_label("Name", exact=True).fill(THEME)
    page.get_by_label("COM-B sub-component").select_option(label=CODE)
    page.get_by_label("Barrier", exact=True).check()
    page.locator("fieldset", has_text="Codes in this theme").get_by_label(CODE).check()
    page.get_by_role("button", name="Add theme").click()
    theme = Theme.objects.get(study=study)
    assert (theme.name, theme.comb, theme.classification) == (
        THEME,
        "psychological_capability",
        "barrier",
    )
    assert list(theme.codes.values_list("name", flat=True)) == [CODE]
    expect(page.locator(f"#theme-{theme.pk}")).to_contain_text(THEME)
    axe_check(page)

    # Table 3: the theme, one participant, one source, the quote.
    _nav(page, "Barriers and facilitators")
    expect(page.get_by_role("heading", level=1)).to_have_text("Barriers and facilitators")
    table = page.get_by_role("table", name=f"Barriers and facilitators: {CODE}")
    theme_row = table.locator("tbody tr", has=page.get_by_role("rowheader", name=THEME))
    expect(theme_row).to_have_count(1)
    expect(theme_row.locator("td").nth(0)).to_have_text("Barrier")
    expect(theme_row.locator("td").nth(1)).to_have_text("1")  # participants
    expect(theme_row.locator("td").nth(2)).to_have_text("1")  # sources
    expect(theme_row.locator("td").nth(3)).to_contain_text(f"“{PASSAGE}”")
    axe_check(page)
    barriers_url = page.url

    # Download Table 3 as a Word document; the quote is in its table.
    with page.expect_download() as info:
        page.get_by_role("link", name="Word document (DOCX), ready for a report").click()
    download = info.value
    assert download.suggested_filename.endswith(".docx")
    from docx import Document

    with open(download.path(), "rb") as handle:
        document = Document(io.BytesIO(handle.read()))
    (docx_table,) = document.tables
    rows = [[cell.text for cell in r.cells] for r in docx_table.rows]
    assert rows[0] == [
        "COM-B sub-component",
        "Barrier or facilitator",
        "Theme or code",
        "Participants",
        "Sources",
        "Example quotes",
    ]
    (found,) = [r for r in rows[1:] if r[2] == THEME]
    assert found[:5] == [CODE, "Barrier", THEME, "1", "1"]
    assert f"“{PASSAGE}”" in found[5]
    assert page.url == barriers_url

    # The framework matrix: P01 × the theme shows one quote, linked; write its summary.
    _nav(page, "Framework matrix")
    expect(page.get_by_role("heading", level=1)).to_have_text("Framework matrix")
    p01_row = page.locator("main table tbody tr", has=page.get_by_role("rowheader", name="P01"))
    expect(p01_row).to_have_count(1)
    quote_link = p01_row.get_by_role("link", name=f"1 quote from P01 about {THEME}")
    expect(quote_link).to_have_attribute(
        "href", f"/insight/{study.slug}/quotes/?theme={theme.pk}&participant={participant.pk}"
    )
    axe_check(page)
    p01_row.get_by_role("link", name=f"Write summary for P01 about {THEME}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"P01: {THEME}")
    axe_check(page)
    summary_text = "Letters arrive with no one to explain them; P01 felt lost."
    page.locator("main textarea").fill(summary_text)
    page.get_by_role("button", name="Save summary").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Framework matrix")
    expect(p01_row).to_contain_text(summary_text)
    cell = MatrixCell.objects.get(theme=theme, participant=participant)
    assert cell.summary == summary_text
    axe_check(page)

    # The quote link opens the quotes page filtered to that cell.
    p01_row.get_by_role("link", name=f"1 quote from P01 about {THEME}").click()
    expect(page.locator("main")).to_contain_text(PASSAGE)
    axe_check(page)

    # 5. The reading pages again, in Welsh.
    page.context.add_cookies(
        [{"name": "coproduce_language", "value": "cy", "url": live_server.url}]
    )
    for path in [
        f"/insight/{study.slug}/sources/{source.pk}/",
        f"/insight/{study.slug}/barriers/",
        f"/insight/{study.slug}/matrix/",
    ]:
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == "cy", path
        expect(page.locator("main")).to_contain_text(PASSAGE if "sources" in path else THEME)
        axe_check(page)
