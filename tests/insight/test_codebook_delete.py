"""Deleting a code from the codebook (only one nobody has used), and clearing a theme's
classification back to "Not yet decided"."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from coproduce.core.models import AuditEvent
from coproduce.insight import actions
from coproduce.insight.forms.coding import ThemeForm
from coproduce.insight.models import Code, Memo, Theme
from coproduce.insight.selectors import coding as coding_selectors
from coproduce.insight.selectors.codebook import code_uses

from ..state import snapshot
from .sweep import build

# Engine-specific: also runs in the PostgreSQL pass (tests/test_suite_rules.py).
pytestmark = pytest.mark.postgres


@pytest.fixture
def objects(world):
    return build(world)


@pytest.fixture
def unused(objects):
    """An inductive code nobody has coded with, in a theme of its own and with a memo about it."""
    study = objects["study"]
    code = actions.create_code(by=None, study=study, name="Waiting room chairs")
    theme = actions.create_theme(
        by=None, study=study, name="Surroundings", codes=[code, objects["code"]]
    )
    memo = actions.write_memo(by=None, study=study, text="Nobody mentions chairs", code=code)
    return {"code": code, "theme": theme, "memo": memo}


def _delete_url(study, code):
    return reverse("insight:code_delete", args=[study.slug, code.pk])


def _state():
    return snapshot(Code, Theme, Memo, AuditEvent)


# -- The selector -----------------------------------------------------------------------------


def test_code_uses_counts_codings_children_themes_and_memos(objects, unused):
    in_use, code = code_uses(objects["code"]), unused["code"]
    assert (in_use.codings, in_use.children, in_use.deletable) == (1, [], False)
    uses = code_uses(code)
    assert (uses.codings, uses.children, uses.themes, uses.memos, uses.deletable) == (
        0,
        [],
        [unused["theme"]],
        [unused["memo"]],
        True,
    )


def test_code_uses_parent_with_sub_code_not_deletable(objects):
    study = objects["study"]
    parent = actions.create_code(by=None, study=study, name="Access")
    actions.create_code(by=None, study=study, name="Parking", parent=parent)
    uses = code_uses(parent)
    assert ([c.name for c in uses.children], uses.deletable) == (["Parking"], False)


# -- The action -------------------------------------------------------------------------------


def test_delete_code_unlinks_themes_keeps_memos_and_audits(world, objects, unused):
    code, theme, memo = unused["code"], unused["theme"], unused["memo"]
    code_pk, kept_pk = code.pk, objects["code"].pk
    user = world["cochair"].user
    actions.delete_code(by=user, code=code)
    memo.refresh_from_db()
    assert not Code.objects.filter(pk=code_pk).exists()
    assert list(theme.codes.values_list("pk", flat=True)) == [kept_pk]
    assert (memo.code_id, memo.target, memo.text) == (None, "study", "Nobody mentions chairs")
    event = AuditEvent.objects.get(action="code.delete")
    assert (event.actor_id, event.object_id, event.object_repr) == (
        user.pk,
        str(code_pk),
        "Waiting room chairs",
    )
    assert (event.changes["name"], event.changes["themes"], event.changes["memos"]) == (
        "Waiting room chairs",
        [theme.pk],
        [memo.pk],
    )
    theme_event = AuditEvent.objects.filter(action="theme.update", object_id=str(theme.pk)).get()
    assert theme_event.changes == {"codes": [sorted([code_pk, kept_pk]), [kept_pk]]}
    memo_event = AuditEvent.objects.filter(action="memo.update", object_id=str(memo.pk)).get()
    assert memo_event.changes == {"target": ["code", "study"], "code": [code_pk, None]}


def test_delete_code_in_use_refused_with_counts(world, objects):
    study, code = objects["study"], objects["code"]
    actions.create_code(by=None, study=study, name="Not heard by staff", parent=code)
    before = _state()
    with pytest.raises(ValidationError) as caught:
        actions.delete_code(by=world["cochair"].user, code=code)
    assert caught.value.messages == [
        "This code cannot be deleted. It is used in 1 coding. 1 code sits under it. "
        "Keep it, or merge it into another code first."
    ]
    assert _state() == before


# -- The page ---------------------------------------------------------------------------------


def test_code_page_links_to_delete_for_lead_researcher_only(world, objects, client_for):
    study, code = objects["study"], objects["code"]
    url = reverse("insight:code", args=[study.slug, code.pk])
    link = f'href="{_delete_url(study, code)}"'
    assert link in client_for(world["cochair"]).get(url).content.decode()
    assert link not in client_for(world["member"]).get(url).content.decode()


def test_code_delete_page_unused_code_offers_button_and_says_what_changes(
    world, objects, unused, client_for
):
    study = objects["study"]
    response = client_for(world["cochair"]).get(_delete_url(study, unused["code"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="nhsuk-heading-l">Delete code: Waiting room chairs</h1>' in html
    assert "It will be taken out of 1 theme:" in html
    assert "<li>Surroundings</li>" in html
    assert "1 memo is about this code. It will be kept, as a memo about the study." in html
    assert 'class="nhsuk-button nhsuk-button--warning" type="submit">Delete code</button>' in html


def test_code_delete_page_code_in_use_explains_and_offers_no_button(world, objects, client_for):
    study, code = objects["study"], objects["code"]
    response = client_for(world["cochair"]).get(_delete_url(study, code))
    html = response.content.decode()
    assert response.status_code == 200
    assert "This code cannot be deleted." in html
    assert "It is used in 1 coding." in html
    assert "Or merge it into another code" in html
    assert 'type="submit">Delete code</button>' not in html


def test_code_delete_happy_path_redirects_to_codebook_with_message(
    world, objects, unused, client_for
):
    study, code = objects["study"], unused["code"]
    code_pk = code.pk
    client = client_for(world["cochair"])
    response = client.post(_delete_url(study, code))
    assert response.status_code == 302
    assert response["Location"] == reverse("insight:codebook", args=[study.slug])
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Code deleted: Waiting room chairs. It was taken out of 1 theme. "
        "1 memo about it is kept as a memo about the study."
    ]
    assert not Code.objects.filter(pk=code_pk).exists()
    assert AuditEvent.objects.filter(action="code.delete", object_id=str(code_pk)).count() == 1
    codebook = client.get(response["Location"]).content.decode()
    assert "Waiting room chairs" not in codebook.split("<table", 1)[-1]


def test_code_delete_in_use_refused_nothing_changed(world, objects, client_for):
    study, code = objects["study"], objects["code"]
    client = client_for(world["cochair"])  # signing in is audited too: count after it
    before = _state()
    response = client.post(_delete_url(study, code))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Delete code: Psychological capability – coproduce</title>" in html
    assert "There is a problem" in html
    assert (
        "This code cannot be deleted. It is used in 1 coding. "
        "Keep it, or merge it into another code first."
    ) in html
    assert _state() == before


def test_code_delete_refused_for_coder(world, objects, unused, client_for):
    study = objects["study"]
    client = client_for(world["member"])
    before = _state()
    assert client.get(_delete_url(study, unused["code"])).status_code == 403
    assert client.post(_delete_url(study, unused["code"])).status_code == 403
    assert _state() == before


def test_code_delete_code_of_other_study_not_found(world, objects, client_for):
    other = actions.create_study(
        by=world["admin"].user,
        organisation=world["org"],
        project=world["project"],
        title="Another study",
        slug="another",
        descriptor_template="{sample_group}",
    )
    code = actions.create_code(by=None, study=other, name="Elsewhere")
    response = client_for(world["cochair"]).post(_delete_url(objects["study"], code))
    assert response.status_code == 404
    assert Code.objects.filter(pk=code.pk).exists()


# -- Clearing a theme's classification --------------------------------------------------------


def _theme_form(objects, data=None, initial=None):
    study = objects["study"]
    return ThemeForm(
        data,
        initial=initial,
        tree=coding_selectors.code_tree(study),
        themes=list(study.themes.all()),
    )


def test_theme_form_offers_not_yet_decided_and_ticks_it_for_unclassified(objects):
    form = _theme_form(objects, initial={"name": "New", "classification": ""})
    assert [value for value, _label in form.fields["classification"].choices] == [
        "barrier",
        "facilitator",
        "both",
        "undecided",
    ]
    assert form["classification"].value() == "undecided"
    classified = _theme_form(objects, initial={"classification": "barrier"})
    assert classified["classification"].value() == "barrier"


def test_theme_form_not_yet_decided_cleans_to_empty(objects):
    form = _theme_form(objects, {"name": "Time", "classification": "undecided"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["classification"] == ""


def test_theme_update_clears_classification_and_audits(world, objects, client_for):
    study, theme = objects["study"], objects["theme"]
    url = reverse("insight:theme_update", args=[study.slug, theme.pk])
    client = client_for(world["cochair"])
    page = client.get(url).content.decode()
    assert 'value="undecided"' in page and "Not yet decided" in page
    response = client.post(
        url,
        {
            "name": "Not being heard",
            "comb": "psychological_capability",
            "classification": "undecided",
            "codes": [objects["code"].pk],
        },
    )
    assert response.status_code == 302
    theme.refresh_from_db()
    assert theme.classification == ""
    event = AuditEvent.objects.filter(action="theme.update", object_id=str(theme.pk)).get()
    assert (event.actor_id, event.changes) == (
        world["cochair"].user.pk,
        {"classification": ["barrier", ""]},
    )


def test_update_theme_classification_none_clears(objects):
    theme = actions.update_theme(by=None, theme=objects["theme"], classification=None)
    theme.refresh_from_db()
    assert theme.classification == ""
