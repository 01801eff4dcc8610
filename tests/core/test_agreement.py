"""Agreement statistics against values worked by hand (the working is in each docstring)."""

import pytest

from coproduce.core.agreement import cohen_kappa, icc_2_1, krippendorff_alpha


def test_cohen_kappa_two_by_two_hand_example():
    """10 pairs: yes/yes 4, yes/no 1, no/yes 1, no/no 4. po = 0.8; first says yes 5/10 and the
    second 5/10, so pe = 0.5*0.5 + 0.5*0.5 = 0.5; kappa = (0.8-0.5)/(1-0.5) = 0.6."""
    first = ["y"] * 5 + ["n"] * 5
    second = ["y", "y", "y", "y", "n", "y", "n", "n", "n", "n"]
    assert cohen_kappa(first, second) == pytest.approx(0.6)


def test_cohen_kappa_unbalanced_hand_example():
    """pairs: (a,a)x6, (a,b)x2, (b,b)x2. po = 0.8; first a 8/10 b 2/10, second a 6/10 b 4/10;
    pe = .8*.6 + .2*.4 = 0.56; kappa = 0.24/0.44 = 6/11."""
    first = ["a"] * 8 + ["b"] * 2
    second = ["a"] * 6 + ["b"] * 2 + ["b"] * 2
    assert cohen_kappa(first, second) == pytest.approx(6 / 11)


def test_cohen_kappa_linear_weights_hand_example():
    """Categories 0,1,2; pairs (0,0),(1,2),(2,2),(0,1). Linear disagreement |i-j|/2.
    Do = (0 + .5 + 0 + .5)/4 = 0.25. Rows: 0 x2, 1 x1, 2 x1; cols: 0 x1, 1 x1, 2 x2.
    De = sum r_i c_j d_ij / 16 = [2*1*.5 + 2*2*1 + 1*1*.5 + 1*2*.5 + 1*1*1 + 1*1*.5]/16
       = (1 + 4 + .5 + 1 + 1 + .5)/16 = 8/16 = 0.5 (the i=j terms are 0). kappa = 1 - .25/.5."""
    assert cohen_kappa([0, 1, 2, 0], [0, 2, 2, 1], weights="linear", categories=[0, 1, 2]) == (
        pytest.approx(0.5)
    )


def test_cohen_kappa_missing_and_undefined():
    assert cohen_kappa(["a", None], [None, "a"]) is None
    assert cohen_kappa(["a", "a"], ["a", "a"]) is None


def test_krippendorff_alpha_nominal_two_coders_hand_example():
    """Units (a,a),(a,b),(b,b),(b,b). Coincidences: o_aa=2, o_ab=o_ba=1, o_bb=4; n_a=3, n_b=5,
    n=8. alpha = 1 - (n-1) * (o_ab+o_ba) / (n_a n_b + n_b n_a) = 1 - 7*2/30 = 8/15."""
    units = [("a", "a"), ("a", "b"), ("b", "b"), ("b", "b")]
    assert krippendorff_alpha(units) == pytest.approx(8 / 15)


def test_krippendorff_alpha_three_coders_missing_hand_example():
    """Units (1,1,1), (1,2,None), (2,2,2), (None,1,None) - the last is unpairable.
    Unit 1: 6 ordered pairs 1-1 each 1/2 -> o_11 += 3. Unit 2: (1,2),(2,1) each 1 -> o_12=o_21=1.
    Unit 3: o_22 += 3. n_1 = 4, n_2 = 4, n = 8. alpha = 1 - 7*2/(4*4*2) = 1 - 14/32 = 9/16."""
    units = [(1, 1, 1), (1, 2, None), (2, 2, 2), (None, 1, None)]
    assert krippendorff_alpha(units) == pytest.approx(9 / 16)


def test_krippendorff_alpha_interval_hand_example():
    """Units (1,2), (3,3). o_12=o_21=1, o_33=2; n_1=1, n_2=1, n_3=2, n=4.
    Do sum = 2 * 1 = 2. De sum = 2*(n1 n2 *1 + n1 n3 *4 + n2 n3 *1) = 2*(1 + 8 + 2) = 22.
    alpha = 1 - 3*2/22 = 8/11."""
    assert krippendorff_alpha([(1, 2), (3, 3)], level="interval") == pytest.approx(8 / 11)


def test_krippendorff_alpha_perfect_and_undefined():
    assert krippendorff_alpha([("a", "a"), ("b", "b")]) == 1.0
    assert krippendorff_alpha([("a", "a"), ("a", "a")]) is None
    assert krippendorff_alpha([("a", None)]) is None


def test_icc_2_1_hand_example():
    """Subjects x raters [[1,2],[3,4],[5,6]]: grand mean 3.5; row means 1.5,3.5,5.5 -> SSR =
    2*(4+0+4) = 16, MSR = 8; column means 3,4 -> SSC = 3*(.25+.25) = 1.5, MSC = 1.5; SST = 17.5,
    SSE = 0, MSE = 0. ICC = 8 / (8 + 0 + 2*1.5/3) = 8/9."""
    assert icc_2_1([[1, 2], [3, 4], [5, 6]]) == pytest.approx(8 / 9)


def test_icc_2_1_drops_incomplete_subjects():
    assert icc_2_1([[1, 2], [3, 4], [5, 6], [7, None]]) == pytest.approx(8 / 9)
    assert icc_2_1([[1, 1]]) is None
