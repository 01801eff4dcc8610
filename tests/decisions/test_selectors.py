import datetime

from django.utils import timezone

from coproduce.decisions import actions, selectors
from coproduce.decisions.selectors import DecisionFacts, Figure, figures, figures_by_quarter

TZ = datetime.UTC


def _at(year, month, day=15):
    return datetime.datetime(year, month, day, 12, tzinfo=TZ)


def _fact(pk, perspective, method, outcome, *, outside=False, support=False, change=False, **kw):
    return DecisionFacts(
        pk=pk,
        created_at=kw.get("created_at", _at(2026, 1)),
        decided_at=kw.get("decided_at", _at(2026, 2) if outcome else None),
        method=method,
        outcome=outcome,
        proposer_perspective=perspective,
        taken_outside_group=outside,
        lived_support=support,
        lived_change=change,
    )


FACTS = [
    _fact(1, "lived_experience", "consent", "adopted", support=True),
    _fact(2, "carer", "consensus", "amended", support=True, change=True),
    _fact(3, "professional", "vote", "adopted"),
    _fact(4, "professional", "advice", "adopted"),
    _fact(5, "lived_experience", "consent", "not_adopted"),
    _fact(6, "professional", "consent", "withdrawn"),
    _fact(7, "professional", "consent", ""),
    _fact(8, "", "", "adopted", outside=True),
    _fact(9, "professional", "consent", "amended"),
]


def test_figures_proposals_share_counts_lived_and_carer():
    f = figures(FACTS).proposals
    assert (f.numerator, f.denominator, f.ids) == (3, 8, (1, 2, 5))
    assert f.base_ids == (1, 2, 3, 4, 5, 6, 7, 9)
    assert f.percent == 38


def test_figures_supported_share_leaves_out_advice_and_outside():
    f = figures(FACTS).supported
    assert (f.numerator, f.denominator, f.ids, f.base_ids) == (2, 4, (1, 2), (1, 2, 3, 9))


def test_figures_changed_counts_only_lived_objections_that_amended():
    f = figures(FACTS).changed
    assert (f.numerator, f.denominator, f.ids, f.base_ids) == (1, 6, (2,), (1, 2, 3, 4, 5, 9))


def test_figures_outside_share_of_decisions_taken():
    f = figures(FACTS).outside
    assert (f.numerator, f.denominator, f.ids) == (1, 7, (8,))


def test_figures_empty_have_no_percent():
    f = figures([]).proposals
    assert (f, f.percent) == (Figure(0, 0, (), ()), None)


def test_figures_by_quarter_proposed_and_decided_quarters():
    facts = [
        _fact(
            1,
            "lived_experience",
            "consent",
            "adopted",
            support=True,
            created_at=_at(2025, 12),
            decided_at=_at(2026, 1),
        ),
        _fact(
            2,
            "professional",
            "vote",
            "not_adopted",
            created_at=_at(2026, 2),
            decided_at=_at(2026, 5),
        ),
        _fact(3, "", "", "adopted", outside=True, created_at=_at(2026, 5), decided_at=_at(2026, 5)),
    ]
    rows = figures_by_quarter(facts)
    assert [q for q, _ in rows] == [(2025, 4), (2026, 1), (2026, 2)]
    summary = [
        (
            q,
            f.proposals.numerator,
            f.proposals.denominator,
            f.supported.numerator,
            f.supported.denominator,
            f.outside.numerator,
            f.outside.denominator,
        )
        for q, f in rows
    ]
    assert summary == [
        ((2025, 4), 1, 1, 0, 0, 0, 0),
        ((2026, 1), 0, 1, 1, 1, 0, 1),
        ((2026, 2), 0, 0, 0, 0, 1, 2),
    ]


def test_power_sharing_from_recorded_decisions(group, propose, position):
    by = group["lead"].user
    # D1: a lived-experience objection is resolved by amending; adopted with changes.
    d1 = propose("consent", "cochair")
    objection = position(d1, "member", "object", "Buses stop at six.")
    actions.resolve_objection(
        by=group["staff_cochair"].user,
        position=objection,
        note="Moved to 4pm.",
        amended_proposal="Open the clinic on Tuesdays until 6pm.",
    )
    position(d1, "member", "consent")
    position(d1, "staff", "consent")
    actions.close_decision(by=by, decision=d1, outcome="amended", statement="Tuesdays to 6pm.")
    # D2: a vote carried by staff over a lived-experience "no".
    d2 = propose("vote", "staff")
    position(d2, "staff", "yes")
    position(d2, "staff_cochair", "yes")
    position(d2, "member", "no")
    actions.close_decision(by=by, decision=d2, outcome="adopted", statement="Carried.")
    # D3: proposed by a carer, blocked by staff.
    d3 = propose("consensus", "carer")
    position(d3, "carer", "agree")
    position(d3, "staff", "agree")
    position(d3, "staff_cochair", "block")
    actions.close_decision(by=by, decision=d3, outcome="not_adopted", statement="Blocked.")
    # D4: the health board decided alone.
    d4 = actions.record_outside_decision(
        by=by,
        project=group["project"],
        organisation=group["org"],
        title="Clinic moves site",
        decision_text="The clinic moves to the new hospital.",
        reason="Estates timetable.",
    )
    # D5: a staff objection amends the proposal; a carer consents.
    d5 = propose("consent", "staff")
    staff_objection = position(d5, "staff_cochair", "object", "Cost.")
    actions.resolve_objection(
        by=by, position=staff_objection, note="Halved.", amended_proposal="A cheaper version."
    )
    position(d5, "carer", "consent")
    actions.close_decision(by=by, decision=d5, outcome="amended", statement="Cheaper.")
    # D6: still open.
    propose("consent", "member")

    overall = selectors.power_sharing(group["project"])["overall"]
    assert (overall.proposals.numerator, overall.proposals.denominator) == (3, 5)
    assert (overall.supported.numerator, overall.supported.denominator) == (2, 3)
    assert overall.supported.ids == tuple(sorted([d1.pk, d5.pk]))
    assert (overall.changed.numerator, overall.changed.denominator, overall.changed.ids) == (
        1,
        4,
        (d1.pk,),
    )
    assert (overall.outside.numerator, overall.outside.denominator, overall.outside.ids) == (
        1,
        5,
        (d4.pk,),
    )


def test_due_for_review_by_project_and_user(group, propose, position):
    today = timezone.localdate()
    by = group["lead"].user
    past = actions.record_outside_decision(
        by=by,
        project=group["project"],
        organisation=group["org"],
        title="Past review",
        decision_text="x",
        reason="y",
        decided_at=timezone.now() - datetime.timedelta(days=100),
        review_date=today - datetime.timedelta(days=1),
    )
    actions.record_outside_decision(
        by=by,
        project=group["project"],
        organisation=group["org"],
        title="Future review",
        decision_text="x",
        reason="y",
        review_date=today + datetime.timedelta(days=30),
    )
    withdrawn = propose("consent", "cochair")
    actions.withdraw(by=by, decision=withdrawn, statement="No longer needed.")
    assert list(selectors.due_for_review(group["project"])) == [past]
    assert list(selectors.due_for_review(group["member"].user)) == [past]
    assert list(selectors.due_for_review(group["outsider"].user)) == []
    assert list(selectors.due_for_review(group["other_lead"].user)) == []
