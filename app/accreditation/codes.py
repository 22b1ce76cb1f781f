"""Credential codes people read aloud and type: ``IMSA-7K4Q-9D2M-X``.

Eight random characters and one check character from a 31-character alphabet with no I, L, O, U or Z
(read as 1, 1, 0, V and 2 when typed). The check character makes the weighted sum
``sum(position * value) mod 31`` zero. Because 31 is prime and longer than the code, any single wrong
character changes the sum by ``position * difference``, which is never a multiple of 31, and swapping two
different neighbours changes it by their difference, which is not either: both are always caught.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXY"
MODULUS = len(ALPHABET)  # 31, a prime
PREFIX = "IMSA"
BODY_LENGTH = 8
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V", "Z": "2"})


def check_character(body: str) -> str:
    total = sum(position * _VALUE[c] for position, c in enumerate(body, start=1))
    weight = len(body) + 1
    # The check value c solves total + weight * c ≡ 0 (mod 31); weight < 31 has an inverse.
    return ALPHABET[(-total * pow(weight, -1, MODULUS)) % MODULUS]


def is_consistent(characters: str) -> bool:
    """True when the last character is the right check character for the ones before it."""
    if not characters or any(c not in _VALUE for c in characters):
        return False
    return sum(position * _VALUE[c] for position, c in enumerate(characters, start=1)) % MODULUS == 0


def new_code() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
    return format_code(body + check_character(body))


def format_code(characters: str) -> str:
    return f"{PREFIX}-{characters[:4]}-{characters[4:8]}-{characters[8:]}"


def normalise(typed: str) -> str | None:
    """The canonical code for what someone typed, or None when it cannot be one of ours.

    Tolerates case, spaces, dashes, a missing ``IMSA`` prefix and the confusable letters; rejects a code
    whose check character does not match (a typo), so a mistyped code never finds someone else's record.
    """
    characters = re.sub(r"[\s\-_.]", "", typed.upper())
    if characters.startswith(PREFIX) and len(characters) == len(PREFIX) + BODY_LENGTH + 1:
        characters = characters[len(PREFIX) :]
    characters = characters.translate(_CONFUSABLE)
    if len(characters) != BODY_LENGTH + 1 or not is_consistent(characters):
        return None
    return format_code(characters)
