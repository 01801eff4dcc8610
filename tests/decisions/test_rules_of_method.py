import pytest

from coproduce.decisions.rules_of_method import outcome_error, result, tally


def test_tally_counts_standing_objections_and_blocks():
    t = tally(
        [
            ("object", False),
            ("object", True),
            ("block", False),
            ("consent", False),
            ("agree", False),
        ]
    )
    assert (t.standing_objections, t.standing_blocks) == (1, 1)
    assert (t["object"], t["consent"], t["agree"], t["no"]) == (2, 1, 1, 0)


@pytest.mark.parametrize(
    "positions,adopted",
    [
        ([], True),
        ([("consent", False), ("stand_aside", False)], True),
        ([("consent", False), ("object", False)], False),
        ([("consent", False), ("object", True)], True),
    ],
)
def test_result_consent(positions, adopted):
    assert result("consent", tally(positions)).adopted is adopted


@pytest.mark.parametrize(
    "positions,adopted",
    [
        ([("agree", False), ("agree", False), ("disagree", False)], True),
        ([("agree", False), ("disagree", False)], False),
        ([("agree", False), ("abstain", False), ("abstain", False)], True),
        ([("abstain", False)], False),
        ([("agree", False), ("agree", False), ("block", False)], False),
        ([("agree", False), ("agree", False), ("block", True)], True),
    ],
)
def test_result_consensus(positions, adopted):
    assert result("consensus", tally(positions)).adopted is adopted


@pytest.mark.parametrize(
    "positions,adopted",
    [
        ([("yes", False), ("yes", False), ("no", False)], True),
        ([("yes", False), ("no", False)], False),
        ([("yes", False), ("abstain", False), ("abstain", False)], True),
        ([("yes", False), ("no", False), ("no", False), ("abstain", False)], False),
        ([], False),
    ],
)
def test_result_vote(positions, adopted):
    assert result("vote", tally(positions)).adopted is adopted


def test_result_vote_reason_gives_counts():
    assert result("vote", tally([("yes", False), ("no", False)])).reason == (
        "The vote is not carried: 1 yes, 1 no."
    )


def test_result_advice_needs_advice_first():
    before = result("advice", tally([]))
    after = result("advice", tally([("advice", False)]))
    assert (before.adopted, before.ready) == (None, False)
    assert (after.adopted, after.ready) == (None, True)


def test_outcome_error_consent_adopted_while_objection_stands():
    error = outcome_error("consent", tally([("object", False)]), "adopted", amended=False)
    assert error == "An objection still stands, so the proposal cannot be adopted by consent."


def test_outcome_error_consent_not_adopted_without_objection():
    error = outcome_error("consent", tally([("consent", False)]), "not_adopted", amended=False)
    assert error == (
        "No objection stands, so the proposal is adopted by consent. "
        "To drop the proposal anyway, record it as withdrawn."
    )


def test_outcome_error_amended_proposal_must_be_adopted_with_changes():
    t = tally([("object", True)])
    assert outcome_error("consent", t, "adopted", amended=True) == (
        "The proposal was amended while it was open: record it as adopted with changes."
    )
    assert outcome_error("consent", t, "amended", amended=True) is None


def test_outcome_error_consensus_block_refuses_adoption():
    t = tally([("agree", False), ("agree", False), ("block", False)])
    assert outcome_error("consensus", t, "adopted", amended=False) == (
        "A block still stands, so there is no consensus."
    )
    assert outcome_error("consensus", t, "not_adopted", amended=False) is None


def test_outcome_error_vote_tie_not_adopted():
    t = tally([("yes", False), ("no", False), ("abstain", False)])
    assert outcome_error("vote", t, "not_adopted", amended=False) is None
    assert outcome_error("vote", t, "adopted", amended=False) == (
        "The vote is not carried: 1 yes, 1 no."
    )


def test_outcome_error_advice_decider_chooses_after_advice():
    t = tally([("advice", False)])
    assert outcome_error("advice", t, "adopted", amended=False) is None
    assert outcome_error("advice", t, "not_adopted", amended=False) is None
    assert outcome_error("advice", tally([]), "adopted", amended=False) == (
        "The decider can decide only after at least one piece of advice."
    )


def test_outcome_error_withdrawn_always_allowed():
    assert outcome_error("consent", tally([("object", False)]), "withdrawn", amended=False) is None


def test_outcome_error_withdrawn_allowed_before_any_advice():
    assert outcome_error("advice", tally([]), "withdrawn", amended=False) is None
