"""Every page of every role, in Welsh, shows no English interface text.

The pages come from the permission sweep's table. A visible text node is English interface text
when it is (or, with its placeholders filled, matches) an English msgid of our catalogue whose
Welsh differs, an English name of a framework that carries Welsh (COM-B, TDF, the Behaviour
Change Wheel), or one of the fallbacks Django and allauth show when we forget to give our own.
What people typed (names, titles, quotes) is not in the catalogue, so it is never flagged; the
pages are made in Welsh, as a Welsh speaker's study or project would be. Text in an element
with a `lang` attribute (content in a stated language) or `translate="no"` (a machine record,
such as the audit trail's field names) is left out.
"""

import re
from functools import cache
from html.parser import HTMLParser

import pytest
from django.db import models
from django.template import engines
from django.utils import translation

from coproduce.core import i18n
from coproduce.insight import frameworks
from coproduce.recognition.forms import ExpenseForm

from .roles import ROLES
from .test_permission_sweep import _person, sweep  # noqa: F401 - the fixture with every URL

pytestmark = pytest.mark.slow

# Text Django and allauth show when a form gives none of its own; none is in their Welsh.
FALLBACKS = {
    "---------",
    "- Select an option -",
    "Send me a sign-in code",
}
NOT_HTML_TYPES = ("text/html",)
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]")


@cache
def _english():
    """(exact texts, patterns) of every msgid whose Welsh differs from its English."""
    welsh = i18n.read("cy")
    exact, patterns = set(FALLBACKS), []
    for message in i18n.extract():
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        found = welsh.get(message.id, context=message.context)
        strings = found.string if found is not None else ()
        strings = strings if isinstance(strings, tuple | list) else (strings,)
        for english in ids:
            if not english or english in strings or not any(strings):
                continue
            text = " ".join(english.split())
            if PLACEHOLDER.search(text):
                parts = PLACEHOLDER.split(text)
                literal = "".join(p for i, p in enumerate(parts) if i % 2 == 0 and p)
                # A pattern must have words of its own, or it would match anything.
                if len(re.findall(r"[A-Za-z]{3,}", literal)) >= 2:
                    regex = ".+?".join(
                        re.escape(p) for p in PLACEHOLDER.sub("\0", text).split("\0")
                    )
                    patterns.append(re.compile(regex))
            elif len(text) > 1:
                exact.add(text)
    # Frameworks are data with their Welsh beside them: their English names are interface too.
    for entries in (
        frameworks.comb()["components"],
        frameworks.tdf()["domains"],
        frameworks.bcw()["functions"],
        frameworks.bcw()["apease"],
    ):
        exact.update(e["name"] for e in entries if e.get("name_cy", e["name"]) != e["name"])
    return exact, patterns


class _Text(HTMLParser):
    """Visible text nodes, whitespace collapsed, outside scripts, styles and `lang` content."""

    SKIP = {"script", "style", "template", "textarea", "pre", "code"}
    VOID = {"br", "img", "input", "meta", "link", "hr", "source", "wbr", "col", "area", "base"}

    def __init__(self):
        super().__init__()
        self.stack, self.texts = [], []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        attrs = dict(attrs)
        skip = (
            tag in self.SKIP
            or ("lang" in attrs and tag != "html")
            or attrs.get("translate") == "no"
        )
        self.stack.append((tag, skip or bool(self.stack and self.stack[-1][1])))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self.stack and self.stack[-1][1]:
            return
        text = " ".join(data.split())
        if text:
            self.texts.append(text)


def english_text(html: str) -> list[str]:
    """The visible texts of a page that are English interface text."""
    exact, patterns = _english()
    parser = _Text()
    parser.feed(html)
    return [
        t
        for t in parser.texts
        if t in exact or t.rstrip(":") in exact or any(p.fullmatch(t) for p in patterns)
    ]


def test_english_text_finds_interface_strings():
    html = (
        '<main><p>Save</p><p lang="en">Save</p><select><option>---------</option></select>'
        "<p>For example, 27 3 2026</p><p>Cadw</p></main>"
    )

    assert english_text(html) == ["Save", "---------", "For example, 27 3 2026"]


@pytest.fixture
def in_welsh():
    """The world and the sweep's objects are made in Welsh (requested before them)."""
    translation.activate("cy")


@pytest.mark.parametrize("role", ROLES)
def test_welsh_pages_have_no_english_interface_text_for_role(
    in_welsh,
    sweep,  # noqa: F811
    world,
    client_for,
    role,
):
    client = client_for(_person(world, role))
    client.cookies["coproduce_language"] = "cy"
    found = {}
    for name, (path, allowed, status) in sweep.items():
        if role not in allowed or status != 200 or name.startswith("api-"):
            continue
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="cy")
        if not response.get("Content-Type", "").startswith(NOT_HTML_TYPES):
            continue
        english = english_text(response.content.decode())
        if english:
            found[name] = english
    assert found == {}


def test_blank_choice_is_ours_in_welsh():
    field = models.CharField(choices=[("a", "A")], blank=True).formfield()
    with translation.override("cy"):
        assert [str(label) for _value, label in field.choices] == ["Dewiswch opsiwn", "A"]
    assert str(field.choices[0][1]) == "Choose an option"


def test_receipt_hint_follows_the_language():
    form = ExpenseForm()
    with translation.override("cy"):
        assert str(form.fields["upload"].help_text) == "Ffeil PDF, PNG neu JPEG, llai na 5 MB."
    assert str(form.fields["upload"].help_text) == "A PDF, PNG or JPEG file, smaller than 5 MB."


def test_reauthentication_by_code_named_in_welsh():
    macro = engines["jinja2"].env.get_template("account/_helpers.html").module
    alternatives = [{"id": "reauthenticate_by_code", "url": "/code/", "description": "English"}]
    with translation.override("cy"):
        html = str(macro.other_ways_to_confirm(alternatives))
    assert english_text(html) == []
    assert "Anfon cod mewngofnodi ataf" in html
