"""The readiness combination and recommendation, on hand-made answers (no database)."""

from coproduce.measures.readiness import Cell, combine, recommend, what_would_change

from .conftest import CRITERIA


def answers(perspective, value=3, **overrides):
    return (perspective, {key: overrides.get(key, value) for key in CRITERIA})


def test_readiness_all_met_recommends_coproduction():
    result = combine(CRITERIA, [answers("lived_experience")] * 3 + [answers("professional", 2)] * 3)
    authority = result.criterion("authority")
    assert authority.overall == Cell(n=6, median=2.5, shown=True)
    assert authority.groups["lived"] == Cell(n=3, median=3.0, shown=True)
    assert authority.groups["professional"] == Cell(n=3, median=2.0, shown=True)
    assert authority.groups["community"] == Cell(n=0, median=None, shown=False)
    assert authority.disagreement is False
    assert result.met_count == 6
    assert result.respondents == 6
    assert result.respondents_by_group == {"lived": 3, "professional": 3, "community": 0}
    assert result.recommendation.rung == "co_production"
    assert result.recommendation.holding_back == []


def test_readiness_delivery_missing_recommends_codesign():
    rows = [answers("carer", everyone_delivers=1)] * 2 + [
        answers("community", everyone_delivers=0)
    ] * 2
    result = combine(CRITERIA, rows)
    assert result.criterion("everyone_delivers").overall.median == 0.5
    assert result.criterion("everyone_delivers").met is False
    assert result.met_count == 5
    assert result.recommendation.rung == "co_design"
    assert result.recommendation.holding_back == ["everyone_delivers"]


def test_readiness_authority_missing_recommends_engagement():
    result = combine(CRITERIA, [answers("professional", authority=1)] * 3)
    assert result.recommendation.rung == "engagement"
    assert result.recommendation.rule == "authority or shared aims not met"
    assert result.recommendation.holding_back == ["authority"]


def test_readiness_authority_and_aims_missing_recommends_consultation():
    result = combine(
        CRITERIA, [answers("lived_experience", authority=0, shared_aims=1, resources=1)] * 3
    )
    assert result.recommendation.rung == "consultation"
    assert result.recommendation.holding_back == ["authority", "shared_aims", "resources"]


def test_readiness_three_conditions_missing_recommends_engagement():
    rows = [answers("lived_experience", right_scale=1, measurable_outcomes=1, resources=0)] * 3
    result = combine(CRITERIA, rows)
    assert result.recommendation.rung == "engagement"
    assert result.recommendation.rule == "three or more other criteria not met"
    assert result.recommendation.holding_back == ["right_scale", "measurable_outcomes", "resources"]


def test_readiness_two_conditions_missing_recommends_codesign():
    result = combine(CRITERIA, [answers("professional", right_scale=0, resources=1)] * 3)
    assert result.recommendation.rung == "co_design"
    assert result.recommendation.holding_back == ["right_scale", "resources"]


def test_readiness_disagreement_by_two_points():
    rows = [
        answers("lived_experience", authority=1),
        answers("carer", authority=1),
        answers("lived_experience", authority=0),
        answers("professional", authority=3),
        answers("professional", authority=3),
        answers("professional", authority=2),
    ]
    authority = combine(CRITERIA, rows).criterion("authority")
    assert authority.groups["lived"].median == 1.0
    assert authority.groups["professional"].median == 3.0
    assert authority.overall.median == 1.5
    assert authority.met is False
    assert authority.disagreement is True


def test_readiness_disagreement_met_against_not_met():
    rows = [answers("lived_experience", shared_aims=v) for v in (2, 2, 1)] + [
        answers("professional", shared_aims=v) for v in (1, 1, 2)
    ]
    result = combine(CRITERIA, rows)
    shared = result.criterion("shared_aims")
    assert (shared.groups["lived"].median, shared.groups["professional"].median) == (2.0, 1.0)
    assert shared.disagreement is True
    assert result.criterion("authority").disagreement is False
    assert result.disagreement_count == 1


def test_readiness_small_group_too_few_to_show_but_counted():
    rows = [answers("lived_experience")] * 3 + [answers("professional", 0)] * 2
    result = combine(CRITERIA, rows)
    authority = result.criterion("authority")
    assert authority.groups["professional"] == Cell(n=2, median=None, shown=False)
    assert authority.overall == Cell(n=5, median=3.0, shown=True)
    # A hidden group never raises the disagreement flag: that would reveal it.
    assert authority.disagreement is False
    assert result.respondents_by_group["professional"] == 2


def test_readiness_dont_know_left_out_of_medians():
    rows = [
        answers("lived_experience", authority=None),
        answers("lived_experience", authority=None),
        answers("professional", authority=3),
        answers("professional", authority=2),
    ]
    result = combine(CRITERIA, rows)
    authority = result.criterion("authority")
    assert authority.dont_know == 2
    assert authority.overall == Cell(n=2, median=None, shown=False)
    assert authority.met is None
    # Too few ratings to show authority is met: treated as not met, so not co-production.
    assert result.recommendation.rung == "engagement"
    assert result.recommendation.holding_back == ["authority"]


def test_readiness_all_dont_know_gives_no_recommendation():
    result = combine(CRITERIA, [answers("professional", None)] * 4)
    assert result.met_count == 0
    assert result.recommendation.rung is None
    assert result.recommendation.rule == "too few answers"


def test_readiness_no_answers_gives_no_recommendation():
    result = combine(CRITERIA, [])
    assert result.respondents == 0
    assert result.recommendation.rung is None


def test_readiness_recommend_rule_table_directly():
    met = dict.fromkeys(CRITERIA, True)
    assert recommend(CRITERIA, met).rung == "co_production"
    assert recommend(CRITERIA, met | {"everyone_delivers": False}).rung == "co_design"
    assert recommend(CRITERIA, met | {"shared_aims": False}).rung == "engagement"
    assert recommend(CRITERIA, met | {"authority": False, "shared_aims": None}).rung == (
        "consultation"
    )


def test_readiness_what_would_change_for_every_criterion():
    assert str(what_would_change("everyone_delivers")) == (
        "People would need a real part in delivering and evaluating the work, not only in "
        "designing it."
    )
    assert str(what_would_change("something_new")) == "This criterion would need to be met."
    assert all(str(what_would_change(k)) != str(what_would_change("x")) for k in CRITERIA)
