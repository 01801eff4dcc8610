"""The public page: anyone may read it; it shows only what was published and never names
anyone."""

from django.urls import reverse

from coproduce.reports.models import Input, Response

from ..factories import ProjectFactory
from .chain import SAID_ON, build_chain


def test_public_page_anonymous_shows_only_public(world, client):
    build_chain(world["project"], contributor=world["member"], is_public=True)
    build_chain(world["project"], text="A private remark.")
    response = client.get(reverse("reports:public", args=[world["project"].pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Diabetes clinic" in body
    assert "To improve a service together." in body
    assert "The clinic letters are hard to read." in body
    assert "A private remark." not in body
    assert (
        "We made part of this change. What we could not change, and why: "
        "The national template cannot be changed locally."
    ) in body
    assert "Baseline 42 on 12 January 2026" in body


def test_public_page_never_names_contributor(world, client):
    input, _, _ = build_chain(world["project"], contributor=world["member"], is_public=True)
    Response.objects.filter(input=input).update(responder=world["lead"])
    input.actions.update(owner=world["cochair"])
    body = client.get(reverse("reports:public", args=[world["project"].pk])).content.decode()
    for name in ("Mo Member", "Lee Lead", "Cerys Cochair"):
        assert name not in body
    assert "Member, 12 January 2026" in body


def test_public_page_not_adopted_and_awaiting(world, client):
    input, _, _ = build_chain(world["project"], is_public=True)
    Response.objects.filter(input=input).update(
        decision="not_adopted", reason="The car park belongs to the council."
    )
    Input.objects.create(
        project=world["project"],
        text="More chairs",
        source="survey",
        contributor_label="Clinic survey",
        said_on=SAID_ON,
        is_public=True,
    )
    body = client.get(reverse("reports:public", args=[world["project"].pk])).content.decode()
    assert "We could not change this because: The car park belongs to the council." in body
    assert "We have not responded yet." in body
    assert "Survey: Clinic survey, 12 January 2026" in body


def test_public_page_nothing_published_404(db, client):
    project = ProjectFactory(title="Memory café", purpose="A private plan.")
    response = client.get(reverse("reports:public", args=[project.pk]))
    assert response.status_code == 404
    assert "Memory café" not in response.content.decode()
    assert "A private plan." not in response.content.decode()


def test_public_page_only_unpublished_inputs_404(world, client_for):
    build_chain(world["project"], text="A private remark.")
    # Not even the project's own lead sees a public page before something is published.
    for person in (None, world["lead"]):
        response = client_for(person).get(reverse("reports:public", args=[world["project"].pk]))
        assert response.status_code == 404


def test_public_page_published_then_withdrawn_404(world, client):
    input, _, _ = build_chain(world["project"], is_public=True)
    path = reverse("reports:public", args=[world["project"].pk])
    assert client.get(path).status_code == 200
    Input.objects.filter(pk=input.pk).update(is_public=False)
    assert client.get(path).status_code == 404


def test_public_page_unknown_project_404(db, client):
    assert client.get(reverse("reports:public", args=[999])).status_code == 404


def test_public_page_welsh(world, client):
    build_chain(world["project"], is_public=True)
    client.get(reverse("set_language", args=["cy"]) + "?next=/")
    body = client.get(reverse("reports:public", args=[world["project"].pk])).content.decode()
    assert '<html lang="cy"' in body
    assert "Dywedoch chi, fe wnaethon ni (a pham lai)" in body
    assert "Dywedoch chi</dt>" in body
    assert "Wedi'i fabwysiadu'n rhannol" in body
