"""The external examiner's sample rule, over every combination of small cohorts: every Fail and
Distinction, plus n of each marker's other pieces (all of them when fewer), the same for the same seed."""

from __future__ import annotations

import itertools

import pytest

from app.assurance.services import examiner_sample

BANDS = ("fail", "pass", "merit", "distinction")


def _cohorts():
    """Every way two markers can have up to three pieces each, in every band."""
    for first, second in itertools.product(range(4), repeat=2):
        for bands in itertools.product(BANDS, repeat=first + second):
            markers = [1] * first + [2] * second
            yield [(pid, marker, band) for pid, (marker, band) in enumerate(zip(markers, bands, strict=True))]


@pytest.mark.parametrize("per_marker", [0, 1, 2])
def test_every_fail_and_distinction_plus_n_per_marker_is_sampled(per_marker):
    for pieces in _cohorts():
        chosen = examiner_sample(pieces, per_marker, seed=7)
        extremes = {pid for pid, _, band in pieces if band in ("fail", "distinction")}
        assert extremes <= chosen
        for marker in (1, 2):
            others = [pid for pid, m, band in pieces if m == marker and pid not in extremes]
            assert len(chosen.intersection(others)) == min(per_marker, len(others))
        assert chosen <= {pid for pid, _, _ in pieces}


def test_the_same_pieces_and_seed_give_the_same_sample():
    pieces = [(n, n % 3, "pass") for n in range(30)]
    assert examiner_sample(pieces, 2, seed=11) == examiner_sample(list(reversed(pieces)), 2, seed=11)
    samples = {frozenset(examiner_sample(pieces, 2, seed=s)) for s in range(20)}
    assert len(samples) > 1, "the seed chooses among the others"


def test_a_piece_without_a_recorded_marker_is_sampled_as_its_own_group():
    pieces = [(1, None, "pass"), (2, None, "merit"), (3, 5, "pass")]
    chosen = examiner_sample(pieces, 1, seed=1)
    assert len(chosen & {1, 2}) == 1 and 3 in chosen


def test_nothing_to_sample_gives_an_empty_sample():
    assert examiner_sample([], 2, seed=1) == set()
