"""Rubric arithmetic: weighted totals, bands, gateway criteria and the resubmission cap."""

import pytest

from app.assessments.rubric import band_for, outcome

CRITERIA = [
    {"key": "law", "title": "Legal accuracy", "weight": 35, "gateway": True},
    {"key": "facts", "title": "Application to facts", "weight": 30, "gateway": False},
    {"key": "nations", "title": "Jurisdictional awareness", "weight": 20, "gateway": False},
    {"key": "plain", "title": "Plain language", "weight": 15, "gateway": False},
]
THRESHOLDS = {"pass": 50, "merit": 60, "distinction": 70}


@pytest.mark.parametrize(
    "mark, band",
    [
        (0, "fail"),
        (49.9, "fail"),
        (50, "pass"),
        (59.9, "pass"),
        (60, "merit"),
        (69.9, "merit"),
        (70, "distinction"),
        (100, "distinction"),
    ],
)
def test_default_bands(mark, band):
    assert band_for(mark, THRESHOLDS) == band


def test_the_weighted_total_decides_the_band():
    result = outcome(CRITERIA, {"law": 70, "facts": 60, "nations": 50, "plain": 80})
    assert result.total == pytest.approx(24.5 + 18 + 10 + 12)
    assert result.band == "merit" and result.passed and not result.gateway_failed


def test_a_gateway_below_pass_refers_the_piece_whatever_the_total():
    result = outcome(CRITERIA, {"law": 45, "facts": 95, "nations": 95, "plain": 95})
    assert result.total > 70
    assert result.band == "fail" and not result.passed
    assert result.gateway_failed == ("Legal accuracy",)
    assert "Legal accuracy" in result.explanation


def test_a_non_gateway_criterion_below_pass_does_not_refer():
    assert outcome(CRITERIA, {"law": 80, "facts": 40, "nations": 60, "plain": 60}).band == "merit"  # 61


def test_a_resubmission_is_capped_at_pass():
    capped = outcome(CRITERIA, {"law": 80, "facts": 80, "nations": 80, "plain": 80}, cap_at="pass")
    assert (capped.band, capped.total, capped.capped) == ("pass", 50, True)
    failing = outcome(CRITERIA, {"law": 30, "facts": 30, "nations": 30, "plain": 30}, cap_at="pass")
    assert failing.band == "fail" and not failing.capped


def test_custom_thresholds_and_bad_marks():
    assert (
        outcome(
            CRITERIA,
            dict.fromkeys(["law", "facts", "nations", "plain"], 55),
            thresholds={"pass": 40, "merit": 55, "distinction": 65},
        ).band
        == "merit"
    )
    with pytest.raises(ValueError, match="no mark for"):
        outcome(CRITERIA, {"law": 50})
    with pytest.raises(ValueError, match="0 to 100"):
        outcome(CRITERIA, {"law": 101, "facts": 1, "nations": 1, "plain": 1})
