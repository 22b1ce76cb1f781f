"""Credential codes: the check character catches every single typo and every adjacent swap, and what
people type (any case, spaces, confusable letters) finds the code it was meant to."""

from __future__ import annotations

import itertools
import random

from hypothesis import given
from hypothesis import strategies as st

from app.accreditation.codes import ALPHABET, BODY_LENGTH, check_character, is_consistent, new_code, normalise

CHARACTERS = BODY_LENGTH + 1


def _bodies(count: int) -> list[str]:
    generator = random.Random(20261130)
    bodies = ["".join(generator.choice(ALPHABET) for _ in range(BODY_LENGTH)) for _ in range(count)]
    return [*bodies, "0" * BODY_LENGTH, ALPHABET[-1] * BODY_LENGTH, ALPHABET[:BODY_LENGTH]]


def test_every_single_character_typo_is_caught():
    """Exhaustive over every position and every wrong character, for 300 codes (83,700 typos)."""
    for body in _bodies(300):
        code = body + check_character(body)
        assert is_consistent(code)
        for position, wrong in itertools.product(range(CHARACTERS), ALPHABET):
            if wrong != code[position]:
                typo = code[:position] + wrong + code[position + 1 :]
                assert not is_consistent(typo), (code, typo)


def test_every_adjacent_swap_is_caught():
    """Exhaustive over every pair of neighbouring characters (including the check character)."""
    for body in _bodies(300):
        code = body + check_character(body)
        for position in range(CHARACTERS - 1):
            a, b = code[position], code[position + 1]
            if a != b:
                swapped = code[:position] + b + a + code[position + 2 :]
                assert not is_consistent(swapped), (code, swapped)


def test_every_typo_of_every_pair_of_characters_in_each_position():
    """Exhaustive over the whole alphabet at each position: no two characters collide anywhere."""
    body = "7K4Q9D2M"
    for position in range(BODY_LENGTH):
        checks = {check_character(body[:position] + c + body[position + 1 :]) for c in ALPHABET}
        assert len(checks) == len(ALPHABET)


def test_new_codes_look_right_and_are_consistent():
    """Codes are IMSA-XXXX-XXXX-C from the unambiguous alphabet, with a matching check character."""
    for _ in range(200):
        code = new_code()
        prefix, first, second, check = code.split("-")
        assert prefix == "IMSA" and len(first) == len(second) == 4 and len(check) == 1
        assert set(first + second + check) <= set(ALPHABET)
        assert not set("ILOUZ") & set(first + second + check)
        assert is_consistent(first + second + check)


def test_typed_codes_are_normalised():
    """Case, spaces, dashes, a missing prefix and confusable letters are all forgiven."""
    code = "IMSA-" + "10V2-K4Q9" + "-" + check_character("10V2K4Q9")
    check = code[-1]
    for typed in (
        code,
        code.lower(),
        f" imsa 10v2 k4q9 {check} ",
        f"10V2K4Q9{check}",
        f"IMSA-IOV2-K4Q9-{check}",  # I for 1, O for 0
        f"imsa-lov2-k4q9-{check}".replace("v", "u"),  # L for 1, U for V
        f"imsa_10v2.k4q9_{check}",
    ):
        assert normalise(typed) == code, typed


def test_malformed_or_mistyped_codes_find_nothing():
    """A wrong check character, a wrong length or stray symbols give None, never another code."""
    code = new_code()
    wrong = code[:-1] + next(c for c in ALPHABET if c != code[-1])
    for typed in (wrong, code[:-2], code + "7", "", "IMSA", "IMSA-????-????-?", "<script>"):
        assert normalise(typed) is None, typed


@given(st.text(alphabet=ALPHABET, min_size=BODY_LENGTH, max_size=BODY_LENGTH))
def test_any_body_round_trips(body):
    """Whatever the random body, the formatted code normalises to itself."""
    code = f"IMSA-{body[:4]}-{body[4:]}-{check_character(body)}"
    assert normalise(code) == code
