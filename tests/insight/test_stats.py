"""The statistics module against a fixture worked by hand, against SciPy, and on data that has
nothing to compute (no attempts, one attempt, equal scores, a question dropped mid-course)."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from scipy import stats as scipy_stats

from insight import stats
from insight.analysis import (
    CriterionInfo,
    OptionInfo,
    PartInfo,
    QuestionInfo,
    Response,
    analyse,
)

# Five attempts at three right/wrong questions (1 = right):
#
#   attempt  q1 q2 q3  total      q1's rest of test
#   A         1  1  1    3         2
#   B         1  1  0    2         1
#   C         1  0  0    1         0
#   D         0  1  0    1         1
#   E         0  0  0    0         0
#
# q1: mean 0.6, Σ(x-0.6)² = 3·0.16 + 2·0.36 = 1.2, variance 1.2/4 = 0.3.
#     rest mean 0.8, Σ(rest-0.8)² = 2.8, variance 0.7.
#     Σ(x-0.6)(rest-0.8) = 0.48 + 0.08 - 0.32 - 0.12 + 0.48 = 0.6, covariance 0.15.
#     r = 0.15 / sqrt(0.3 · 0.7) = 0.15 / sqrt(0.21).
#     Sorted pairs (0,0)(0,0)(1,1)(1,1)(1,2): Σ = 0.96 + 0.16 + 0.48 = 1.6, cov_max 0.4,
#     efficiency 0.15 / 0.4 = 0.375.
#     Groups of round(0.27·5) = 1: top A (q1 right), bottom E (wrong): discrimination 1.
# Totals: mean 1.4, Σd² = 5.2, SD sqrt(1.3); item variances 0.3 + 0.3 + 0.2 = 0.8;
#     alpha = 3/2 · (1 - 0.8/1.3) = 15/26; SEM = sqrt(1.3) · sqrt(11/26) = sqrt(0.55).
# q1 is a single choice of a (key), b, c: A, B, C chose a; D, E chose b; nobody chose c.
#     "chose b" = (0,0,0,1,1) against q1's rest: covariance -0.15, r = -0.15 / sqrt(0.21).
GRID = {
    "A": (1, 1, 1),
    "B": (1, 1, 0),
    "C": (1, 0, 0),
    "D": (0, 1, 0),
    "E": (0, 0, 0),
}
PICKS = {"A": "a", "B": "a", "C": "a", "D": "b", "E": "b"}
Q1_OPTIONS = (
    OptionInfo("a", "Alpha", True),
    OptionInfo("b", "Beta", False),
    OptionInfo("c", "Gamma", False),
)


def hand_fixture() -> tuple[list[Response], list[QuestionInfo]]:
    questions = [
        QuestionInfo(1, "q1", "Q1", 1, (PartInfo("p", "single", "", Q1_OPTIONS),)),
        QuestionInfo(2, "q2", "Q2", 2, (PartInfo("p", "ordering", ""),)),
        QuestionInfo(3, "q3", "Q3", 3, (PartInfo("p", "matching", ""),)),
    ]
    responses = []
    for i, (name, marks) in enumerate(GRID.items()):
        for q, mark in enumerate(marks, start=1):
            selected = (PICKS[name],) if q == 1 else ()
            responses.append(Response(i, q, "p", float(mark), 1.0, selected))
    return responses, questions


def test_a_question_s_figures_match_the_hand_worked_fixture() -> None:
    responses, questions = hand_fixture()

    result = analyse(responses, questions, 5, min_responses=2, min_attempts=2)
    q1 = result.questions[0].stats

    assert q1.n == 5
    assert q1.facility == pytest.approx(0.6)
    assert q1.sd == pytest.approx(math.sqrt(0.3))
    assert q1.r_rest == pytest.approx(0.15 / math.sqrt(0.21))
    assert q1.efficiency == pytest.approx(0.375)
    assert q1.discrimination == pytest.approx(1.0)


def test_the_test_s_reliability_matches_the_hand_worked_fixture() -> None:
    responses, questions = hand_fixture()

    test = analyse(responses, questions, 5, min_responses=2, min_attempts=2).test

    assert test.mean == pytest.approx(1.4)
    assert test.median == pytest.approx(1.0)
    assert test.sd == pytest.approx(math.sqrt(1.3))
    assert test.alpha == pytest.approx(15 / 26)
    assert test.sem == pytest.approx(math.sqrt(0.55))
    assert test.items_per_attempt == 3


def test_options_share_and_point_biserial_match_the_hand_worked_fixture() -> None:
    responses, questions = hand_fixture()

    part = analyse(responses, questions, 5, min_responses=2, min_attempts=2).questions[0].parts[0]
    by_id = {o.info.id: o.stats for o in part.options}

    assert [by_id[k].share for k in "abc"] == [pytest.approx(0.6), pytest.approx(0.4), 0.0]
    assert by_id["b"].r_rest == pytest.approx(-0.15 / math.sqrt(0.21))
    assert by_id["a"].r_rest == pytest.approx(0.15 / math.sqrt(0.21))
    assert by_id["c"].r_rest is None  # nobody chose it: no spread


def test_skewness_and_kurtosis_agree_with_scipy_s_unbiased_estimates() -> None:
    rng = np.random.default_rng(7)
    totals = rng.integers(0, 21, size=40).astype(float)

    got = stats.score_stats(totals, None, None)

    assert got.skewness == pytest.approx(scipy_stats.skew(totals, bias=False))
    assert got.kurtosis == pytest.approx(scipy_stats.kurtosis(totals, bias=False))
    assert got.sd == pytest.approx(np.std(totals, ddof=1))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_point_biserial_agrees_with_scipy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    ability = rng.normal(size=60)
    right = (ability + rng.normal(size=60) > 0).astype(float)
    rest = np.round(5 + 3 * ability + rng.normal(size=60))
    totals = rest + right

    got = stats.item_stats(right, 1.0, totals)
    expected = scipy_stats.pointbiserialr(right.astype(bool), rest).statistic

    assert got.r_rest == pytest.approx(expected)
    assert stats.option_stats(right.astype(bool), rest).r_rest == pytest.approx(expected)


def test_partial_credit_correlation_agrees_with_scipy_pearson() -> None:
    rng = np.random.default_rng(11)
    points = rng.choice([0.0, 0.5, 1.0, 1.5, 2.0], size=50)
    rest = rng.normal(10, 3, size=50)

    got = stats.item_stats(points, 2.0, rest + points)

    assert got.r_rest == pytest.approx(scipy_stats.pearsonr(points, rest).statistic)
    assert got.sd == pytest.approx(np.std(points, ddof=1) / 2.0)


def test_alpha_of_right_wrong_items_is_kr20() -> None:
    rng = np.random.default_rng(5)
    ability = rng.normal(size=80)
    grid = (ability[:, None] + rng.normal(size=(80, 6)) > 0).astype(float)
    questions = [QuestionInfo(q, f"q{q}", "", 1, (PartInfo("p", "single", ""),)) for q in range(6)]
    responses = [Response(a, q, "p", float(grid[a, q]), 1.0) for a in range(80) for q in range(6)]
    p = grid.mean(axis=0)
    # KR-20 with the same (n-1) variances as the items: Σ p(1-p)·n/(n-1) over V(total).
    kr20 = 6 / 5 * (1 - (p * (1 - p)).sum() * 80 / 79 / np.var(grid.sum(axis=1), ddof=1))

    assert analyse(responses, questions, 80).test.alpha == pytest.approx(kr20)


def test_a_quiz_with_no_attempts_has_no_figures() -> None:
    result = analyse([], [QuestionInfo(1, "q1", "", 1, ())], 0)

    assert result.attempts == 0
    assert result.questions == ()
    assert result.test.mean is None and result.test.alpha is None
    assert stats.histogram(result.percents) == [0] * 10


def test_one_attempt_gives_its_score_and_says_not_enough_data_for_the_rest() -> None:
    responses, questions = hand_fixture()
    only_a = [r for r in responses if r.attempt == 0]

    result = analyse(only_a, questions, 1)
    q1 = result.questions[0]

    assert result.test.mean == 3 and result.test.sd is None and result.test.alpha is None
    assert q1.stats.facility == 1.0 and not q1.stats.enough
    assert q1.stats.r_rest is None and q1.stats.discrimination is None
    assert all(o.stats.r_rest is None for o in q1.parts[0].options)


def test_all_equal_scores_give_no_correlation_and_no_alpha_instead_of_dividing_by_zero() -> None:
    questions = [QuestionInfo(q, f"q{q}", "", 1, (PartInfo("p", "single", ""),)) for q in (1, 2)]
    responses = [Response(a, q, "p", 1.0, 1.0) for a in range(20) for q in (1, 2)]

    result = analyse(responses, questions, 20)

    assert result.test.sd == 0 and result.test.alpha is None and result.test.skewness is None
    for q in result.questions:
        assert q.stats.facility == 1.0 and q.stats.sd == 0
        assert q.stats.r_rest is None and q.stats.efficiency is None
        assert q.stats.discrimination == 0


def test_a_question_dropped_mid_course_counts_only_the_attempts_that_saw_it() -> None:
    questions = [QuestionInfo(q, f"q{q}", "", 1, (PartInfo("p", "single", ""),)) for q in (1, 2, 3)]
    rng = random.Random(3)
    responses = []
    for a in range(30):
        for q in (1, 2) if a >= 12 else (1, 2, 3):  # q3 left the quiz after 12 attempts
            responses.append(Response(a, q, "p", float(rng.random() < 0.6), 1.0))

    result = analyse(responses, questions, 30)

    assert [q.stats.n for q in result.questions] == [30, 30, 12]
    assert result.test.items_per_attempt == pytest.approx((12 * 3 + 18 * 2) / 30)
    assert result.test.alpha is not None


def test_fewer_responses_than_the_minimum_say_not_enough_data() -> None:
    got = stats.item_stats([1, 0, 1], 1.0, [3, 1, 2])

    assert got.facility == pytest.approx(2 / 3)
    assert not got.enough
    assert (got.sd, got.r_rest, got.discrimination, got.efficiency) == (None, None, None, None)


def test_free_text_criteria_get_their_own_figures() -> None:
    part = PartInfo(
        "w", "free_text", "", criteria=(CriterionInfo("why", "Why"), CriterionInfo("how", "How"))
    )
    questions = [
        QuestionInfo(1, "q1", "", 5, (part,)),
        QuestionInfo(2, "q2", "", 1, (PartInfo("p", "single", ""),)),
    ]
    responses = []
    for a in range(12):
        why, how = float(a % 3), float(a % 2)
        responses.append(
            Response(a, 1, "w", why + how, 3.0, criteria=(("why", why, 2.0), ("how", how, 1.0)))
        )
        responses.append(Response(a, 2, "p", float(a > 5), 1.0))

    criteria = analyse(responses, questions, 12).questions[0].parts[0].criteria

    assert [c.info.id for c in criteria] == ["why", "how"]
    assert criteria[0].stats.facility == pytest.approx(np.mean([a % 3 for a in range(12)]) / 2)
    assert criteria[1].stats.facility == pytest.approx(0.5)
    assert criteria[0].stats.enough


def test_histogram_puts_a_full_score_in_the_top_bin() -> None:
    assert stats.histogram([0, 9.99, 10, 55, 100, 100]) == [2, 1, 0, 0, 0, 1, 0, 0, 0, 2]
