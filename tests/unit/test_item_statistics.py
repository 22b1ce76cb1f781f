"""Item statistics from sums (``app.reports.items.figures``) against hand-computed figures, and the flags
over every combination of attempts, discrimination and distractors."""

from __future__ import annotations

import itertools
import math

import pytest

from app.reports.items import MIN_ATTEMPTS, ItemStatistics, Option, Sums, figures


def sums_of(xs: list[float], ys: list[float]) -> Sums:
    return Sums(
        n=len(xs),
        x=sum(xs),
        xx=sum(x * x for x in xs),
        y=sum(ys),
        yy=sum(y * y for y in ys),
        xy=sum(x * y for x, y in zip(xs, ys, strict=True)),
    )


def test_facility_and_discrimination_match_the_hand_computed_figures():
    """The fixture of tests/integration/test_item_statistics.py, worked out by hand there: for the
    single-choice item x = 1,1,0,1,0 and y = 2,1.5,1,0.5,0.5, so n=5, Σx=3, Σx²=3, Σy=5.5, Σy²=7.75,
    Σxy=4; facility 3/5 = 0.6 and r = (5·4 − 3·5.5) / √((5·3 − 9)(5·7.75 − 5.5²)) = 3.5 / √51."""
    facility, discrimination = figures(sums_of([1, 1, 0, 1, 0], [2, 1.5, 1, 0.5, 0.5]))
    assert facility == pytest.approx(0.6)
    assert discrimination == pytest.approx(3.5 / math.sqrt(51))  # 0.490


def test_discrimination_is_the_pearson_correlation_of_item_and_rest():
    xs, ys = [0, 0.5, 1, 1, 0, 0.5], [3, 2, 1, 4, 2, 0]
    mx, my = sum(xs) / 6, sum(ys) / 6
    pearson = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / math.sqrt(
        sum((x - mx) ** 2 for x in xs) * sum((y - my) ** 2 for y in ys)
    )
    assert figures(sums_of(xs, ys))[1] == pytest.approx(pearson)


def test_a_question_scored_alike_by_everyone_has_no_discrimination():
    assert figures(sums_of([1, 1, 1], [0, 1, 2])) == (1.0, None)
    assert figures(sums_of([0, 1, 0], [2, 2, 2])) == (pytest.approx(1 / 3), None)
    assert figures(Sums()) == (None, None)


def test_an_item_that_the_stronger_trainees_miss_discriminates_negatively():
    assert figures(sums_of([1, 1, 0, 0], [0, 1, 3, 4]))[1] < 0


@pytest.mark.parametrize(
    "attempts, discrimination, unchosen",
    list(itertools.product([0, MIN_ATTEMPTS - 1, MIN_ATTEMPTS, 500], [None, -0.2, 0.0, 0.4], [False, True])),
)
def test_flags_need_enough_attempts_and_name_each_concern(attempts, discrimination, unchosen):
    options = [Option("a", "Right", True, attempts), Option("b", "Wrong", False, 0 if unchosen else 3)]
    item = ItemStatistics(1, "q", "single_choice", "", attempts, 0.5, discrimination, options)
    expected = []
    if attempts >= MIN_ATTEMPTS:
        if discrimination is not None and discrimination < 0:
            expected.append("Negative discrimination")
        if unchosen:
            expected.append("A wrong answer nobody chooses")
    assert item.flags == expected
    if attempts == 0:
        assert item.verdict == "Not answered yet"
    elif attempts < MIN_ATTEMPTS:
        assert item.verdict == "Too few attempts to judge"
    else:
        assert item.verdict == ("; ".join(expected) or "No concerns")


def test_an_unchosen_right_answer_is_not_a_distractor():
    options = [Option("a", "Right", True, 0), Option("b", "Wrong", False, 30)]
    item = ItemStatistics(1, "q", "single_choice", "", 30, 0.0, None, options)
    assert item.flags == []
