import datetime
import json
import shutil

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from coproduce.core.models import AuditEvent
from coproduce.measures import actions
from coproduce.measures import frameworks as files
from coproduce.measures.models import (
    Pulse,
    PulseAgreement,
    PulseRespondent,
    PulseResponse,
    ReadinessAnswer,
    ReadinessResponse,
    ReadinessRound,
)

from ..factories import MembershipFactory, person_with_user
from .conftest import all_agreements, all_ratings

# Engine-specific: also runs in the PostgreSQL pass (tests/test_suite_rules.py).
pytestmark = pytest.mark.postgres


def _readiness_state():
    return (
        ReadinessResponse.objects.count(),
        ReadinessAnswer.objects.count(),
        AuditEvent.objects.filter(action="readiness.answer").count(),
    )


def _pulse_state():
    return (
        PulseRespondent.objects.count(),
        PulseResponse.objects.count(),
        PulseAgreement.objects.count(),
        AuditEvent.objects.filter(action="pulse.respond").count(),
    )


def test_readiness_open_emails_members_in_their_language(
    world, frameworks, django_capture_on_commit_callbacks
):
    world["member"].preferred_language = "cy"
    world["member"].save()
    observer = person_with_user(full_name="Owen Observer")
    MembershipFactory(project=world["project"], person=observer, role="observer")
    with django_capture_on_commit_callbacks(execute=True):
        round_ = actions.open_readiness_round(
            by=world["lead"].user, project=world["project"], closes_on=timezone.localdate()
        )
    assert (round_.criteria.key, round_.criteria.version) == ("readiness-criteria", 1)
    assert round_.ladder.key == "tlap-ladder"
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world["cochair"].email, world["member"].email]
    )
    welsh = next(m for m in mail.outbox if m.to == [world["member"].email])
    assert welsh.subject.endswith("Diabetes clinic")
    assert f"/readiness/{round_.pk}/answer/" in welsh.body
    event = AuditEvent.objects.get(action="readiness.open")
    assert event.object_id == str(round_.pk)


def test_readiness_open_twice_refused(round_, world):
    with pytest.raises(ValidationError):
        actions.open_readiness_round(by=None, project=world["project"], notify=False)
    assert ReadinessRound.objects.count() == 1


def test_readiness_open_past_closing_date_refused(world, frameworks):
    with pytest.raises(ValidationError):
        actions.open_readiness_round(
            by=None,
            project=world["project"],
            closes_on=timezone.localdate() - datetime.timedelta(days=1),
            notify=False,
        )
    assert ReadinessRound.objects.count() == 0


def test_readiness_answer_saves_and_changes(round_, world):
    member = world["member"]
    actions.answer_readiness(
        by=member.user,
        round=round_,
        person=member,
        ratings=all_ratings(2, authority=None),
        comments={"authority": "  Not sure who decides.  "},
    )
    actions.answer_readiness(
        by=member.user, round=round_, person=member, ratings=all_ratings(3, resources=0)
    )
    response = ReadinessResponse.objects.get()
    assert response.perspective == "lived_experience"
    assert dict(response.answers.values_list("criterion__key", "rating")) == all_ratings(
        3, resources=0
    )
    assert AuditEvent.objects.filter(action="readiness.answer").count() == 2
    last = AuditEvent.objects.filter(action="readiness.answer").latest("id")
    assert last.changes == {
        "authority": [None, 3],
        "shared_aims": [2, 3],
        "right_scale": [2, 3],
        "measurable_outcomes": [2, 3],
        "resources": [2, 0],
        "everyone_delivers": [2, 3],
    }


def test_readiness_answer_keeps_comment(round_, world):
    member = world["member"]
    actions.answer_readiness(
        by=member.user,
        round=round_,
        person=member,
        ratings=all_ratings(),
        comments={"authority": "  Not sure who decides.  "},
    )
    answer = ReadinessAnswer.objects.get(criterion__key="authority")
    assert answer.comment == "Not sure who decides."


@pytest.mark.parametrize(
    "case",
    ["closed", "past_closing_date", "outsider", "observer", "unknown", "range", "missing"],
)
def test_readiness_answer_refused_saves_nothing(round_, world, case):
    person = world["member"]
    ratings = all_ratings()
    if case == "closed":
        actions.close_readiness_round(by=None, round=round_)
    elif case == "past_closing_date":
        ReadinessRound.objects.filter(pk=round_.pk).update(
            closes_on=timezone.localdate() - datetime.timedelta(days=1)
        )
        round_.refresh_from_db()
    elif case == "outsider":
        person = world["outsider"]
    elif case == "observer":
        person = person_with_user()
        MembershipFactory(project=world["project"], person=person, role="observer")
    elif case == "unknown":
        ratings["kindness"] = 3
    elif case == "range":
        ratings["authority"] = 4
    elif case == "missing":
        del ratings["resources"]
    before = _readiness_state()
    with pytest.raises(ValidationError):
        actions.answer_readiness(by=None, round=round_, person=person, ratings=ratings)
    assert _readiness_state() == before


def test_readiness_close_twice_refused(round_):
    actions.close_readiness_round(by=None, round=round_)
    with pytest.raises(ValidationError):
        actions.close_readiness_round(by=None, round=round_)
    assert AuditEvent.objects.filter(action="readiness.close").count() == 1


def test_readiness_new_framework_version_keeps_old_answers(round_, world, tmp_path):
    member = world["member"]
    actions.answer_readiness(by=None, round=round_, person=member, ratings=all_ratings())
    actions.close_readiness_round(by=None, round=round_)
    for path in files.DATA_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    edited = tmp_path / "readiness-criteria.yaml"
    edited.write_text(
        edited.read_text().replace("version: 1", "version: 2").replace("Authority", "Power")
    )
    actions.load_frameworks(by=None, directory=tmp_path)
    second = actions.open_readiness_round(by=None, project=world["project"], notify=False)
    assert second.criteria.version == 2
    old = ReadinessAnswer.objects.get(criterion__key="authority")
    assert (old.criterion.framework.version, old.criterion.label_en) == (1, "Authority")


def test_pulse_open_requires_closing_date(world, frameworks):
    with pytest.raises(ValidationError):
        actions.open_pulse(by=None, project=world["project"], closes_on=None, notify=False)
    assert Pulse.objects.count() == 0


def test_pulse_open_emails_members(world, frameworks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        pulse = actions.open_pulse(
            by=world["cochair"].user,
            project=world["project"],
            closes_on=timezone.localdate() + datetime.timedelta(days=7),
        )
    assert len(mail.outbox) == 2
    assert mail.outbox[0].subject == "Coproduction pulse: Diabetes clinic"
    assert f"/pulse/{pulse.pk}/respond/" in mail.outbox[0].body


def test_pulse_respond_saves_and_changes_without_duplicates(pulse_, world):
    member = world["member"]
    actions.respond_to_pulse(
        by=member.user,
        pulse=pulse_,
        person=member,
        rung="consultation",
        agreements=all_agreements(2, assets=None),
        more_equal="Pay people for their time.",
    )
    actions.respond_to_pulse(
        by=member.user,
        pulse=pulse_,
        person=member,
        rung="engagement",
        agreements=all_agreements(3),
        more_equal="",
    )
    assert _pulse_state() == (1, 1, 6, 2)
    response = PulseResponse.objects.get()
    assert (response.rung.key, response.more_equal, response.perspective) == (
        "engagement",
        "",
        "lived_experience",
    )
    assert set(response.agreements.values_list("agreement", flat=True)) == {3}


def test_pulse_respond_audit_reveals_nothing(pulse_, world):
    member = world["member"]
    actions.respond_to_pulse(
        by=member.user,
        pulse=pulse_,
        person=member,
        rung="coercion",
        agreements=all_agreements(1),
        more_equal="Listen to Mo.",
    )
    event = AuditEvent.objects.get(action="pulse.respond")
    assert (event.object_type, event.object_id) == ("measures.pulse", str(pulse_.pk))
    assert event.changes == {}
    text = json.dumps([event.changes, event.object_repr])
    assert "coercion" not in text and "Listen" not in text and "Mo Member" not in text


def test_pulse_response_holds_no_link_to_person(pulse_, world):
    fields = {f.name for f in PulseResponse._meta.get_fields()}
    assert fields == {
        "id",
        "pulse",
        "respondent_key",
        "perspective",
        "rung",
        "more_equal",
        "agreements",
    }


@pytest.mark.parametrize("case", ["closed", "outsider", "observer", "rung", "range", "unknown"])
def test_pulse_respond_refused_saves_nothing(pulse_, world, case):
    person = world["member"]
    rung, agreements = "co_design", all_agreements()
    if case == "closed":
        actions.close_pulse(by=None, pulse=pulse_)
    elif case == "outsider":
        person = world["outsider"]
    elif case == "observer":
        person = person_with_user()
        MembershipFactory(project=world["project"], person=person, role="observer")
    elif case == "rung":
        rung = "partnership"  # an Arnstein rung, not on this pulse's ladder
    elif case == "range":
        agreements["assets"] = 0
    elif case == "unknown":
        agreements["equality"] = 3
    before = _pulse_state()
    with pytest.raises(ValidationError):
        actions.respond_to_pulse(
            by=None, pulse=pulse_, person=person, rung=rung, agreements=agreements
        )
    assert _pulse_state() == before


def test_pulse_close_twice_refused(pulse_):
    actions.close_pulse(by=None, pulse=pulse_)
    with pytest.raises(ValidationError):
        actions.close_pulse(by=None, pulse=pulse_)
    assert AuditEvent.objects.filter(action="pulse.close").count() == 1
