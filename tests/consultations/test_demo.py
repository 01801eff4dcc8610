import datetime
import random
from types import SimpleNamespace

from django.utils import timezone

from coproduce.consultations import demo, selectors
from coproduce.consultations.models import MemberRole, Response, Team

from ..factories import OrganisationFactory, person_with_user


def test_demo_load_clinicians_above_and_below_minimum(db):
    practice = OrganisationFactory(name="Bridge Street Surgery", slug="bridge-street-surgery")
    clinician = person_with_user(full_name="Dr Priya Nair")
    ctx = SimpleNamespace(
        rng=random.Random(2026),
        now=timezone.now(),
        organisations={"practice": practice},
        people={"clinician": clinician},
        by=None,
    )
    demo.load(ctx)
    team = Team.objects.get()
    shown = {}
    for member, figures in selectors.clinician_rows(team, 25):
        shown[member.person.full_name] = figures[0].overall.shown
    assert shown == {
        "Dr Femi Okafor": False,
        "Dr Owain Rees": True,
        "Dr Priya Nair": True,
        "Nurse Gwen Pritchard": False,
    }
    assert team.members.filter(role=MemberRole.OBSERVER).count() == 2
    assert Response.objects.filter(source="paper").exists()
    assert selectors.agreement(team, demo.CHECKLIST)["pairs"] == 8
    assert all(r.received_on <= datetime.date.today() for r in Response.objects.all())
