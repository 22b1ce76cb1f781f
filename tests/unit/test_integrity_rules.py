"""The academic-integrity hold rules and the similarity threshold, as pure functions, over every
combination."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from app.marking.integrity import AtRelease, at_release, holds
from app.marking.models import CaseOutcome, Penalty
from app.marking.similarity import NUM_PERM, estimates, flagged, overlap, signature

BANDS = ["fail", "pass", "merit", "distinction"]


@pytest.mark.parametrize("outcome", [None, *CaseOutcome], ids=str)
def test_an_undecided_or_referred_case_holds_and_a_decided_one_does_not(outcome):
    assert holds(outcome) is (outcome in (None, CaseOutcome.REFERRED))


@pytest.mark.parametrize(
    ("held", "penalty", "band", "attempt"),
    list(itertools.product([True, False], [None, *Penalty], BANDS, [1, 2])),
    ids=str,
)
def test_how_a_piece_is_released_for_every_hold_penalty_band_and_attempt(held, penalty, band, attempt):
    allowed = 1  # one resubmission
    decided = at_release(held, penalty, band, attempt, allowed)
    if held:
        assert decided is None  # an open case holds the release, whatever else is true
    elif penalty is Penalty.MARK_REDUCED_TO_FAIL:
        assert decided == AtRelease("fail", False)
    elif penalty is Penalty.RESUBMISSION_REQUIRED:
        assert decided == AtRelease("fail", attempt <= allowed)
    else:  # no case, cleared, or a formal warning: the mark stands
        assert decided == AtRelease(band, band == "fail" and attempt <= allowed)


@pytest.mark.parametrize(
    ("estimate", "threshold", "expected"),
    [(0.3, 0.3, True), (0.3 - 1e-9, 0.3, False), (0.31, 0.3, True), (0.0, 0.0, True), (1.0, 1.0, True)],
)
def test_the_threshold_flags_at_and_above_it_only(estimate, threshold, expected):
    assert flagged(estimate, threshold) is expected


def test_the_estimate_is_one_for_the_same_text_and_near_zero_for_an_unrelated_one():
    one = signature("The survivor leads every decision about their own recovery and safety plan.")
    other = signature("Quarterly budgets for the regional office were approved by the finance team.")
    assert estimates(one, np.vstack([one, other])).tolist()[0] == 1.0
    assert estimates(one, other.reshape(1, NUM_PERM))[0] < 0.1


def test_case_and_punctuation_do_not_hide_a_copy_and_the_passage_is_in_the_new_texts_own_words():
    earlier = "the survivor leads, and the advocate follows: every choice is theirs to make and keep."
    new = "My view. The Survivor LEADS and the advocate follows; every choice is theirs to make and keep!"
    share, passages = overlap(new, earlier)
    assert share > 0.7
    assert passages == [
        "The Survivor LEADS and the advocate follows; every choice is theirs to make and keep"
    ]


def test_a_text_shorter_than_one_shingle_has_no_signature():
    assert signature("Too short to sign") is None
