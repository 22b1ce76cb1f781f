"""The similarity check: every submitted text against every earlier submission of the same brief, across
cohorts and curriculum versions, on this server (no text leaves it).

A text becomes a set of shingles (runs of ``SHINGLE`` words, lower-cased, punctuation dropped); its MinHash
signature (datasketch, ``NUM_PERM`` permutations) is stored once, when it is submitted. A check compares the
new signature with all stored ones of the brief in one numpy comparison, which estimates each pair's Jaccard
similarity; the earlier pieces at or above ``IMSA_SIMILARITY_THRESHOLD`` (default 0.3) are then compared
exactly, to give the share of the new text found in the earlier one and the overlapping passages, which
markers see. A trainee's own earlier attempt is not compared (a resubmission starts from it).
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

import numpy as np
import sqlalchemy as sa
from datasketch import MinHash
from flask import current_app

from app.audit.services import record
from app.database import db
from app.learning.assignments import submitted_work
from app.learning.models import Submission, SubmissionStatus
from app.marking.models import SimilarityMatch, SimilaritySignature

SHINGLE = 5  # words per shingle
NUM_PERM = 128  # MinHash permutations: the estimate's standard error is about 1/sqrt(128), 0.09
SEED = 1  # every signature must use the same permutations to be comparable
MAX_MATCHES = 5  # the top matches shown to markers
PASSAGE_WORDS = 8  # an overlapping passage is at least this many words in a row
MAX_PASSAGES = 5  # per match
HASH_DTYPE = np.dtype("<u8")
WORD = re.compile(r"\w+", re.UNICODE)


def flagged(estimate: float, threshold: float) -> bool:
    """An earlier piece is shown to markers when its estimated similarity reaches the threshold."""
    return estimate >= threshold


def words(text: str) -> list[re.Match]:
    return list(WORD.finditer(text))


def shingles(tokens: list[str]) -> set[str]:
    return {" ".join(tokens[i : i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1)}


def _tokens(text: str) -> list[str]:
    return [m.group().casefold() for m in WORD.finditer(text)]


def signature(text: str) -> np.ndarray | None:
    """The MinHash signature of ``text``, or None when it is too short to have a shingle."""
    found = shingles(_tokens(text))
    if not found:
        return None
    minhash = MinHash(num_perm=NUM_PERM, seed=SEED)
    minhash.update_batch([s.encode() for s in found])
    return minhash.hashvalues.astype(HASH_DTYPE)


def estimates(new: np.ndarray, earlier: np.ndarray) -> np.ndarray:
    """The estimated Jaccard similarity of ``new`` with each row of ``earlier`` (rows of signatures)."""
    return (earlier == new).mean(axis=1)


def overlap(new_text: str, earlier_text: str) -> tuple[float, list[str]]:
    """The exact share of ``new_text``'s shingles found in ``earlier_text``, and the passages of
    ``new_text`` (its own wording, at least ``PASSAGE_WORDS`` words) that appear in both."""
    new_words, earlier_tokens = words(new_text), _tokens(earlier_text)
    new_tokens = [m.group().casefold() for m in new_words]
    mine = shingles(new_tokens)
    share = len(mine & shingles(earlier_tokens)) / len(mine) if mine else 0.0
    blocks = SequenceMatcher(None, new_tokens, earlier_tokens, autojunk=False).get_matching_blocks()
    long = sorted((b for b in blocks if b.size >= PASSAGE_WORDS), key=lambda b: -b.size)[:MAX_PASSAGES]
    passages = [
        new_text[new_words[b.a].start() : new_words[b.a + b.size - 1].end()]
        for b in sorted(long, key=lambda b: b.a)
    ]
    return share, passages


def _earlier_signatures(piece: Submission, brief: str) -> tuple[list[int], np.ndarray]:
    rows = db.session.execute(
        sa.select(SimilaritySignature.submission_id, SimilaritySignature.hashvalues).where(
            SimilaritySignature.brief == brief,
            SimilaritySignature.submission_id != piece.id,
            SimilaritySignature.enrolment_id != piece.enrolment_id,
        )
    ).all()
    if not rows:
        return [], np.empty((0, NUM_PERM), HASH_DTYPE)
    matrix = np.frombuffer(b"".join(r.hashvalues for r in rows), dtype=HASH_DTYPE).reshape(-1, NUM_PERM)
    return [r.submission_id for r in rows], matrix


def check(piece: Submission, threshold: float | None = None) -> list[SimilarityMatch]:
    """Sign ``piece`` (replacing any earlier signature of it: work returned and submitted again) and record
    its top matches above the threshold; returns them, closest first."""
    threshold = current_app.config["IMSA_SIMILARITY_THRESHOLD"] if threshold is None else threshold
    db.session.execute(sa.delete(SimilarityMatch).where(SimilarityMatch.submission_id == piece.id))
    db.session.execute(sa.delete(SimilaritySignature).where(SimilaritySignature.submission_id == piece.id))
    values = signature(piece.text or "")
    if values is None:
        return []  # an attachment only, or a few words: nothing to compare
    brief = piece.assignment.module.code
    ids, matrix = _earlier_signatures(piece, brief)
    db.session.add(
        SimilaritySignature(
            submission_id=piece.id, brief=brief, enrolment_id=piece.enrolment_id, hashvalues=values.tobytes()
        )
    )
    if not ids:
        return []
    scores = estimates(values, matrix)
    top = [i for i in np.argsort(-scores, kind="stable")[:MAX_MATCHES] if flagged(scores[i], threshold)]
    if not top:
        return []
    earlier = {
        row.id: row
        for row in db.session.execute(
            sa.select(Submission.id, Submission.public_id, Submission.text).where(
                Submission.id.in_([ids[i] for i in top])
            )
        )
    }
    matches = []
    for i in top:
        share, passages = overlap(piece.text, earlier[ids[i]].text)
        matches.append(
            SimilarityMatch(
                submission_id=piece.id,
                earlier_id=ids[i],
                estimate=float(scores[i]),
                overlap=share,
                passages=passages,
            )
        )
    db.session.add_all(matches)
    record(
        None,
        "marking.similarity_flagged",
        piece,
        matches=[
            {"earlier": earlier[m.earlier_id].public_id, "estimate": round(m.estimate, 3)} for m in matches
        ],
        threshold=threshold,
    )
    return matches


@submitted_work.connect
def check_on_submission(submission: Submission) -> None:
    """Every submission is checked as it is submitted, in the same transaction."""
    check(submission)


def sign_unsigned() -> int:
    """Sign every submitted text that has no signature yet (work submitted before the check existed), so
    that later submissions are compared with it too; nothing is flagged. Returns how many were signed."""
    unsigned = db.session.scalars(
        sa.select(Submission).where(
            Submission.status != SubmissionStatus.DRAFT,
            Submission.id.not_in(sa.select(SimilaritySignature.submission_id)),
        )
    )
    signed = 0
    for piece in unsigned:
        values = signature(piece.text or "")
        if values is None:
            continue
        db.session.add(
            SimilaritySignature(
                submission_id=piece.id,
                brief=piece.assignment.module.code,
                enrolment_id=piece.enrolment_id,
                hashvalues=values.tobytes(),
            )
        )
        signed += 1
    return signed


def matches_for(piece: Submission) -> list[SimilarityMatch]:
    return list(
        db.session.scalars(
            sa.select(SimilarityMatch)
            .where(SimilarityMatch.submission_id == piece.id)
            .order_by(SimilarityMatch.estimate.desc())
        )
    )
