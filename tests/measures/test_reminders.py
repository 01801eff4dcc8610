import datetime

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from coproduce.core import reminders
from coproduce.measures import actions


def test_pending_for_lists_open_round_and_pulse(world, frameworks):
    project = world["project"]
    round_ = actions.open_readiness_round(by=None, project=project, notify=False)
    actions.open_pulse(
        by=None,
        project=project,
        closes_on=timezone.localdate() + datetime.timedelta(days=5),
        notify=False,
    )
    titles = [p.title for p in reminders.pending_for(world["member"])]
    assert titles == ["Coproduction pulse: Diabetes clinic", "Readiness check: Diabetes clinic"]
    assert reminders.pending_for(world["outsider"]) == []
    assert round_.pk


def test_pulse_closing_reminder_sent_once(world, frameworks, django_capture_on_commit_callbacks):
    actions.open_pulse(
        by=None,
        project=world["project"],
        closes_on=timezone.localdate() + datetime.timedelta(days=1),
        notify=False,
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", verbosity=0)
        call_command("send_reminders", verbosity=0)
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == sorted(
        [
            (world["member"].email, "Coproduction pulse closes soon: Diabetes clinic"),
            (world["cochair"].email, "Coproduction pulse closes soon: Diabetes clinic"),
        ]
    )


def test_export_person_has_readiness_answers_but_no_pulse_answers(world, frameworks):
    from coproduce.people.actions import export_person

    project = world["project"]
    member = world["member"]
    round_ = actions.open_readiness_round(by=None, project=project, notify=False)
    criteria = [item.key for item in round_.criteria.items.all()]
    actions.answer_readiness(
        by=None,
        round=round_,
        person=member,
        ratings=dict.fromkeys(criteria, 2),
        comments={"authority": "Leaders come to meetings."},
    )
    pulse = actions.open_pulse(
        by=None,
        project=project,
        closes_on=timezone.localdate() + datetime.timedelta(days=5),
        notify=False,
    )
    principles = [item.key for item in pulse.principles.items.all()]
    actions.respond_to_pulse(
        by=None,
        pulse=pulse,
        person=member,
        rung="co_design",
        agreements=dict.fromkeys(principles, 4),
        more_equal="Pay us for our time.",
    )
    data = export_person(by=None, person=member)
    assert [a["criterion"] for a in data["readiness_answers"]][:1] == ["Authority"]
    assert data["readiness_answers"][0]["comment"] == "Leaders come to meetings."
    assert len(data["pulses_responded"]) == 1
    assert "Pay us for our time." not in str(data)
