"""The code suggestions and suggestion accuracy pages: running in the background, deciding
singly and in bulk, and never touching people's coding."""

import pytest
from django.urls import reverse
from django.utils import timezone

from coproduce.core.models import AuditEvent
from coproduce.insight import actions
from coproduce.insight.assist import suggest
from coproduce.insight.assist_tasks import run_assist_job
from coproduce.insight.models import Job, StudyRole, Suggestion, SuggestionRun, SuggestionStatus

from . import test_assist
from .sweep import build
from .test_assist import _human

pytestmark = pytest.mark.django_db


@pytest.fixture
def coded(world):
    """The suggestion engine's tests' study: three coded sources and one uncoded."""
    return test_assist.coded.__wrapped__(world)


@pytest.fixture
def study_objects(world):
    return build(world)


def _store(study, source, code, confidences):
    """Hand-made suggestions on successive one-character spans, with the given confidences."""
    result = suggest.SuggestionResult(
        backend="tfidf",
        model_version="tfidf-test",
        unit="sentence",
        settings={"too_few_examples": [], "seed": 0},
        training_units=7,
        created_at=timezone.now(),
        items=[
            suggest.Suggested(source.pk, i, i + 1, [(code.pk, c)], "barrier")
            for i, c in enumerate(confidences)
        ],
    )
    return actions.store_suggestions(by=None, study=study, result=result)


def _statuses(run):
    return list(run.suggestions.order_by("-confidence").values_list("status", flat=True))


def test_suggestions_page_too_little_data_explains(study_objects, world, client_for):
    study = study_objects["study"]
    response = client_for(world["member"]).get(reverse("insight:suggestions", args=[study.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "No suggestions are waiting for review." in html
    # The one coded code and every uncoded one are too rare to suggest.
    assert f"{study.codes.count()} codes have too few examples to be suggested" in html
    assert study_objects["code"].name in html


def test_suggestions_run_happy_path_makes_suggestions_in_background(
    coded, world, client_for, django_capture_on_commit_callbacks
):
    study = coded["study"]
    before = _human(study)
    client = client_for(world["member"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("insight:suggestions_run", args=[study.slug]),
            {"unit": "sentence", "backend": "tfidf"},
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("insight:suggestions", args=[study.slug])
    job = Job.objects.get(kind="suggest")
    assert job.status == "done"
    assert job.requested_by == world["member"]
    run = SuggestionRun.objects.get(study=study)
    assert job.report == {
        "asked": {"unit": "sentence", "backend": "tfidf"},
        "run": run.pk,
        "suggestions": 2,
    }
    assert run.created_by == world["member"]
    assert _human(study) == before
    html = client.get(reverse("insight:suggestions", args=[study.slug])).content.decode()
    assert "2 suggestions are waiting." in html
    assert html.count('type="submit" name="decision" value="accept"') == 2
    assert "tfidf-" in html  # the model version in the provenance


def test_suggestions_run_too_little_data_fails_job_clearly(
    study_objects, world, client_for, django_capture_on_commit_callbacks
):
    study = study_objects["study"]
    client = client_for(world["member"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("insight:suggestions_run", args=[study.slug]),
            {"unit": "turn", "backend": "tfidf"},
        )
    job = Job.objects.get(kind="suggest")
    assert job.status == "failed"
    assert job.error.startswith("No code has at least 5 coded passages yet")
    assert SuggestionRun.objects.count() == 0
    html = client.get(reverse("insight:suggestions", args=[study.slug])).content.decode()
    assert "The last request for suggestions did not work" in html


def test_suggestions_run_bad_unit_redisplays(study_objects, world, client_for):
    study = study_objects["study"]
    response = client_for(world["member"]).post(
        reverse("insight:suggestions_run", args=[study.slug]),
        {"unit": "chapter", "backend": "tfidf"},
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert Job.objects.count() == 0


def test_suggestions_run_refused_for_reader_changes_nothing(study_objects, world, client_for):
    study = study_objects["study"]
    actions.set_member(by=None, study=study, person=world["finance"], role=StudyRole.VIEWER)
    client = client_for(world["finance"])
    assert client.get(reverse("insight:evaluation", args=[study.slug])).status_code == 200
    response = client.post(
        reverse("insight:suggestions_run", args=[study.slug]),
        {"unit": "sentence", "backend": "tfidf"},
    )
    assert response.status_code == 403
    assert Job.objects.count() == 0
    assert client.get(reverse("insight:suggestions", args=[study.slug])).status_code == 403


def test_suggestion_decide_accept_and_reject(study_objects, world, client_for):
    study, source, code = study_objects["study"], study_objects["source"], study_objects["code"]
    run = _store(study, source, code, [0.9, 0.4])
    high, low = run.suggestions.order_by("-confidence")
    before = _human(study)
    client = client_for(world["member"])
    url = reverse("insight:suggestion_decide", args=[study.slug, high.pk])
    response = client.post(url, {"decision": "accept"})
    assert response.status_code == 302
    client.post(
        reverse("insight:suggestion_decide", args=[study.slug, low.pk]), {"decision": "reject"}
    )
    high.refresh_from_db()
    low.refresh_from_db()
    assert (high.status, high.decided_by) == (SuggestionStatus.ACCEPTED, world["member"])
    assert (low.status, low.decided_by) == (SuggestionStatus.REJECTED, world["member"])
    assert high.decided_at is not None
    assert _human(study) == before
    html = client.get(reverse("insight:suggestions", args=[study.slug])).content.decode()
    assert "Accepted so far: 1. Rejected so far: 1." in html


def test_suggestion_decide_refused_changes_nothing(study_objects, world, client_for):
    study, source, code = study_objects["study"], study_objects["source"], study_objects["code"]
    run = _store(study, source, code, [0.9])
    suggestion = run.suggestions.get()
    response = client_for(world["outsider"]).post(
        reverse("insight:suggestion_decide", args=[study.slug, suggestion.pk]),
        {"decision": "accept"},
    )
    assert response.status_code == 403
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.decided_by) == (SuggestionStatus.PENDING, None)


def test_suggestion_decide_other_study_404(study_objects, world, client_for):
    study, source, code = study_objects["study"], study_objects["source"], study_objects["code"]
    suggestion = _store(study, source, code, [0.9]).suggestions.get()
    other = actions.create_study(by=world["admin"].user, organisation=world["org"], title="Other")
    response = client_for(world["admin"]).post(
        reverse("insight:suggestion_decide", args=[other.slug, suggestion.pk]),
        {"decision": "accept"},
    )
    assert response.status_code == 404
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.PENDING


def test_suggestions_bulk_accept_at_least_and_reject_below(study_objects, world, client_for):
    study, source, code = study_objects["study"], study_objects["source"], study_objects["code"]
    run = _store(study, source, code, [0.95, 0.8, 0.7, 0.5, 0.2, 0.1])
    before = _human(study)
    client = client_for(world["cochair"])
    url = reverse("insight:suggestions_bulk", args=[study.slug])
    response = client.post(url, {"decision": "accept", "accept-percent": "70", "accept-code": ""})
    assert response.status_code == 302
    page = client.get(reverse("insight:suggestions", args=[study.slug])).content.decode()
    assert "3 suggestions accepted." in page
    client.post(url, {"decision": "reject", "reject-percent": "50", "reject-code": str(code.pk)})
    assert _statuses(run) == ["accepted", "accepted", "accepted", "pending", "rejected", "rejected"]
    assert _human(study) == before
    assert AuditEvent.objects.filter(action="suggestion.bulk_accepted").count() == 1
    assert AuditEvent.objects.filter(action="suggestion.bulk_rejected").count() == 1


def test_suggestions_bulk_other_code_decides_none(study_objects, world, client_for):
    study, source, code = study_objects["study"], study_objects["source"], study_objects["code"]
    run = _store(study, source, code, [0.9, 0.8])
    other = study.codes.exclude(pk=code.pk).first()
    client_for(world["member"]).post(
        reverse("insight:suggestions_bulk", args=[study.slug]),
        {"decision": "accept", "accept-percent": "0", "accept-code": str(other.pk)},
    )
    assert _statuses(run) == ["pending", "pending"]


def test_suggestions_bulk_bad_percent_redisplays(study_objects, world, client_for):
    study, source, code = study_objects["study"], study_objects["source"], study_objects["code"]
    run = _store(study, source, code, [0.9])
    response = client_for(world["member"]).post(
        reverse("insight:suggestions_bulk", args=[study.slug]),
        {"decision": "accept", "accept-percent": "150"},
    )
    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 100." in response.content.decode()
    assert _statuses(run) == ["pending"]


def test_suggestions_bulk_refused_for_reader_changes_nothing(study_objects, world, client_for):
    study, source, code = study_objects["study"], study_objects["source"], study_objects["code"]
    run = _store(study, source, code, [0.9])
    actions.set_member(by=None, study=study, person=world["finance"], role=StudyRole.VIEWER)
    response = client_for(world["finance"]).post(
        reverse("insight:suggestions_bulk", args=[study.slug]),
        {"decision": "accept", "accept-percent": "0"},
    )
    assert response.status_code == 403
    assert _statuses(run) == ["pending"]


def test_suggestions_page_paginates(study_objects, world, client_for):
    study, source, code = study_objects["study"], study_objects["source"], study_objects["code"]
    _store(study, source, code, [0.5] * 30)
    client = client_for(world["member"])
    url = reverse("insight:suggestions", args=[study.slug])
    first = client.get(url).content.decode()
    second = client.get(url + "?page=2").content.decode()
    assert first.count('type="submit" name="decision" value="accept"') == 25
    assert second.count('type="submit" name="decision" value="accept"') == 5
    assert "30 suggestions are waiting." in second


def test_evaluation_page_too_little_data_explains(study_objects, world, client_for):
    study = study_objects["study"]
    response = client_for(world["member"]).get(reverse("insight:evaluation", args=[study.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Only 1 source has coding by people so far." in html
    assert "Measure suggestions" in html


def test_evaluation_run_happy_path(coded, world, client_for, django_capture_on_commit_callbacks):
    study = coded["study"]
    before = _human(study)
    client = client_for(world["member"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("insight:evaluation_run", args=[study.slug]),
            {"unit": "sentence", "backend": "tfidf", "folds": "2"},
        )
    assert response.status_code == 302
    job = Job.objects.get(kind="evaluate")
    assert job.status == "done", job.error
    result = job.report["evaluation"]
    assert (result["folds"], result["sources"], result["unit"]) == (2, 4, "sentence")
    assert result["codes_scored"] == 2
    assert _human(study) == before
    assert Suggestion.objects.count() == 0
    html = client.get(reverse("insight:evaluation", args=[study.slug])).content.decode()
    assert "How good suggestions are for each code" in html
    assert coded["codes"][0].name in html
    assert "Average F1 over codes (macro)" in html


def test_evaluation_run_refused_changes_nothing(coded, world, client_for):
    study = coded["study"]
    response = client_for(world["outsider"]).post(
        reverse("insight:evaluation_run", args=[study.slug]),
        {"unit": "sentence", "backend": "tfidf", "folds": "2"},
    )
    assert response.status_code == 403
    assert Job.objects.count() == 0


def test_evaluation_run_bad_folds_redisplays(coded, world, client_for):
    study = coded["study"]
    response = client_for(world["member"]).post(
        reverse("insight:evaluation_run", args=[study.slug]),
        {"unit": "sentence", "backend": "tfidf", "folds": "1"},
    )
    assert response.status_code == 200
    assert "Ensure this value is greater than or equal to 2." in response.content.decode()
    assert Job.objects.count() == 0


@pytest.mark.parametrize(
    ("macro", "start"), [(0.8, "Good"), (0.6, "Fair"), (0.4, "Weak"), (0.1, "Poor"), (None, "No")]
)
def test_trust_sentence_bands(macro, start):
    from coproduce.insight.views.assist import trust_sentence

    assert trust_sentence(macro).startswith(start)


def test_suggestion_job_polling(study_objects, world, client_for):
    study = study_objects["study"]
    job = actions.start_assist_job(
        by=world["member"].user, study=study, kind="suggest", unit="sentence", backend="tfidf"
    )
    client = client_for(world["member"])
    url = reverse("insight:suggestion_job", args=[study.slug, job.pk])
    waiting = client.get(url, headers={"HX-Request": "true"})
    assert waiting.status_code == 200
    assert "Waiting to start." in waiting.content.decode()
    html = client.get(reverse("insight:suggestions", args=[study.slug])).content.decode()
    assert f'hx-get="{url}"' in html
    run_assist_job.call(job.pk)
    finished = client.get(url, headers={"HX-Request": "true"})
    assert finished["HX-Refresh"] == "true"
    plain = client.get(url)
    assert plain["Location"] == reverse("insight:suggestions", args=[study.slug])
    assert client_for(world["outsider"]).get(url).status_code == 403
