"""Scoring against worked examples (the published rules, worked by hand)."""

import pytest

from coproduce.consultations import scoring


def test_collaborate_top_box_drops_incomplete_encounters():
    encounters = [
        [9, 9, 9],  # top box, total 27
        [9, 9, 8],  # total 26
        [9, None, 9],  # incomplete: dropped
        [5, 6, 7],  # total 18
        [9, 9, 9],  # top box, total 27
    ]
    summary = scoring.collaborate(encounters, maximum=9)
    assert summary.complete == 4
    assert summary.incomplete == 1
    assert summary.top_box == 50.0  # 2 of 4
    # Published mean: each encounter's item mean (9, 26/3, 6, 9), then their mean: 98/12.
    assert summary.mean_score == pytest.approx(98 / 12)
    assert summary.mean_total == 24.5  # (27 + 26 + 18 + 27) / 4, three times the mean score


def test_collaborate_mean_score_published_scale_worked_example():
    # The authors' scoring page (glynelwyn.com/scoring-collaborate.html): drop encounters with a
    # missing item; mean score = mean of each encounter's three items, then the mean over
    # encounters (range 0–9); top score = % of encounters answering 9 to all three items.
    encounters = [
        [9, 9, 9],  # item mean 9, top
        [9, 9, 8],  # 26 / 3, not top: one item below 9
        [8, 7, 9],  # 8
        [6, 7, 5],  # 6
        [9, 9, 9],  # 9, top
        [None, 9, 9],  # missing item: dropped from both scores
    ]
    summary = scoring.collaborate(encounters, maximum=9)
    # (9 + 26/3 + 8 + 6 + 9) / 5 = (27 + 26 + 24 + 18 + 27) / 15 = 122 / 15 = 8.1333…
    assert summary.mean_score == pytest.approx(122 / 15)
    assert round(summary.mean_score, 2) == 8.13
    assert summary.top_box == 40.0  # 2 of 5
    # The old, wrongly labelled figure: the mean of the 0–27 totals, 122 / 5.
    assert summary.mean_total == pytest.approx(24.4)
    figure = scoring.group_figure("collaborate", encounters, maximum=9, minimum=5)
    assert (figure.count, figure.score, figure.top_box) == (5, summary.mean_score, 40.0)
    assert scoring.score_one("collaborate", [9, 9, 8]) == pytest.approx(26 / 3)


def test_collaborate_five_point_top_box_uses_four():
    summary = scoring.collaborate([[4, 4, 4], [4, 4, 3], [0, 0, 0]], maximum=4)
    assert summary.top_box == pytest.approx(100 / 3)
    assert summary.mean_score == pytest.approx((4 + 11 / 3 + 0) / 3)  # 0–4, like the items
    assert summary.mean_total == pytest.approx((12 + 11 + 0) / 3)


def test_collaborate_nothing_complete_gives_no_score():
    summary = scoring.collaborate([[None, 1, 2]], maximum=9)
    assert (summary.complete, summary.top_box, summary.mean_score, summary.mean_total) == (
        0,
        None,
        None,
        None,
    )


def test_sdm_q9_scales_to_100():
    assert scoring.sdm_q9([5] * 9) == 100.0
    assert scoring.sdm_q9([0] * 9) == 0.0
    assert scoring.sdm_q9([3, 4, 2, 5, 1, 0, 4, 3, 5]) == pytest.approx(27 * 20 / 9)  # 60.0


def test_sdm_q9_incomplete_not_scored():
    assert scoring.sdm_q9([5] * 8 + [None]) is None
    assert scoring.sdm_q9([5] * 8) is None


def test_option5_sum_times_five():
    assert scoring.option5([4, 4, 4, 4, 4]) == 100
    assert scoring.option5([2, 1, 3, 0, 4]) == 50
    assert scoring.option5([2, 1, 3, 0, None]) is None


def test_care_complete_sum():
    assert scoring.care([5] * 10) == 50
    assert scoring.care([1] * 10) == 10
    assert scoring.care([3, 4, 5, 2, 1, 3, 4, 5, 2, 1]) == 30


def test_care_two_missing_imputed_by_mean_of_rest():
    # 8 answered summing 33, mean 4.125; 33 + 2 × 4.125 = 41.25 → 41.
    assert scoring.care([4, 4, 4, 4, 4, 4, 4, 5, None, None]) == 41
    # 9 answered summing 40, mean 4.444…; 40 + 4.444… = 44.44… → 44.
    assert scoring.care([5, 5, 5, 5, 4, 4, 4, 4, 4, None]) == 44


def test_care_rounds_halves_up():
    # 8 answered summing 30, mean 3.75; 30 + 7.5 = 37.5 → 38 (not banker's 38/37).
    assert scoring.care([4, 4, 4, 4, 4, 4, 3, 3, None, None]) == 38
    # 8 answered summing 26, mean 3.25; 26 + 6.5 = 32.5 → 33.
    assert scoring.care([4, 4, 3, 3, 3, 3, 3, 3, None, None]) == 33


def test_care_three_missing_invalid():
    assert scoring.care([5] * 7 + [None, None, None]) is None


def test_checklist_percentage_over_applicable_items():
    assert scoring.checklist([2, 2, 1, 0, None]) == pytest.approx(100 * 5 / 8)
    assert scoring.checklist([None, None]) is None


def test_group_figure_below_minimum_shows_nothing():
    responses = [[9, 9, 9]] * 24 + [[9, None, 9]] * 5
    figure = scoring.group_figure("collaborate", responses, maximum=9, minimum=25)
    assert (figure.count, figure.shown, figure.score, figure.top_box) == (24, False, None, None)


def test_group_figure_at_minimum_shows_figures():
    responses = [[9, 9, 9]] * 20 + [[8, 8, 8]] * 5
    figure = scoring.group_figure("collaborate", responses, maximum=9, minimum=25)
    assert (figure.count, figure.shown) == (25, True)
    assert figure.top_box == 80.0
    # The published mean on 0–9: 20 encounters scoring 9 and 5 scoring 8.
    assert figure.score == pytest.approx((20 * 9 + 5 * 8) / 25)  # 8.8


def test_group_figure_care_counts_only_valid_responses():
    valid = [[4] * 10] * 25
    invalid = [[4] * 7 + [None] * 3] * 3
    figure = scoring.group_figure("care", valid + invalid, maximum=5, minimum=25)
    assert (figure.count, figure.shown, figure.score) == (25, True, 40.0)
    short = scoring.group_figure("care", valid[:24] + invalid, maximum=5, minimum=25)
    assert (short.count, short.shown, short.score) == (24, False, None)
