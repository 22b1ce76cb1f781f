"""The similarity check on submission: a piece copying 60 % of an earlier one from another cohort is
flagged with the overlapping passages, an unrelated one is not, the threshold decides at its boundary, a
trainee's own earlier attempt is not a match, and markers never see the other trainee's name."""

from __future__ import annotations

import random

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.auth.models import Role
from app.database import db
from app.learning import assignments
from app.learning.models import Submission, SubmissionStatus
from app.marking import similarity
from app.marking.models import SimilarityMatch, SimilaritySignature
from tests.conftest import sign_in
from tests.factories import make_assessed_version, make_cohort, make_enrolment, make_user

VOCABULARY = (  # noqa: SIM905  (a word list is easier to read as one string)
    "survivor advocate support referral safety plan housing benefits police statement trust choice "
    "recovery independent legal immigration interpreter appointment needs risk exploitation employer "
    "travel evidence consent confidential record agency local authority health counselling family debt "
    "control threat document passport wages hours accommodation shelter charity court solicitor review "
    "meeting listen explain options decision respect time pace boundaries wellbeing network practice"
).split()


def essay(seed: int, words: int = 300) -> str:
    """A text of ``words`` words drawn at random from a domain vocabulary, in sentences."""
    rng = random.Random(seed)
    chosen = [rng.choice(VOCABULARY) for _ in range(words)]
    sentences = [" ".join(chosen[i : i + 12]).capitalize() + "." for i in range(0, words, 12)]
    return " ".join(sentences)


def copying(earlier: str, share: float, seed: int) -> str:
    """A text of the same length that copies ``share`` of ``earlier`` (as two passages) and adds its own."""
    tokens = earlier.split()
    copied = int(len(tokens) * share)
    own = essay(seed, len(tokens) - copied).split()
    half = copied // 2
    return " ".join(tokens[:half] + own[: len(own) // 2] + tokens[-(copied - half) :] + own[len(own) // 2 :])


@pytest.fixture
def world(app, tmp_path):
    version = make_assessed_version(tmp_path, word_limit=400)
    marker = make_user(Role.TRAINER, name="Ash Marker")
    earlier_cohort = make_cohort(version, trainers=[marker], name="Cohort 3")
    later_cohort = make_cohort(version, trainers=[marker], name="Cohort 4")
    return {
        "marker": marker,
        "earlier": make_enrolment(earlier_cohort, make_user(Role.TRAINEE, name="Erin Earliername")),
        "later": make_enrolment(later_cohort, make_user(Role.TRAINEE, name="Lee Latername")),
        "assignment": version.modules[0].assignment,
    }


def submit(enrolment, assignment, text):
    piece = assignments.current_submission(enrolment, assignment, enrolment.user)
    assignments.submit(piece, text, piece.revision, True, enrolment.user)
    db.session.commit()
    return piece


def test_a_piece_copying_60_percent_of_one_from_another_cohort_is_flagged_with_its_passages(world):
    original = essay(1)
    earlier = submit(world["earlier"], world["assignment"], original)
    later = submit(world["later"], world["assignment"], copying(original, 0.6, seed=2))
    (match,) = similarity.matches_for(later)
    assert match.earlier_id == earlier.id
    assert match.estimate >= 0.3 and 0.55 <= match.overlap <= 0.65
    assert len(match.passages) == 2 and all(p in original for p in match.passages)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "marking.similarity_flagged"))
    assert event.subject_id == later.public_id


def test_an_unrelated_piece_on_the_same_brief_is_not_flagged(world):
    submit(world["earlier"], world["assignment"], essay(1))
    later = submit(world["later"], world["assignment"], essay(3))
    assert similarity.matches_for(later) == []
    assert db.session.get(SimilaritySignature, later.id) is not None  # signed, for later checks


def test_the_threshold_flags_a_match_at_its_estimate_and_not_just_above(world, app):
    original = essay(1)
    submit(world["earlier"], world["assignment"], original)
    later = submit(world["later"], world["assignment"], copying(original, 0.4, seed=2))
    assert similarity.matches_for(later) == []  # 40 % copied: about 0.25, under the default 0.3
    estimate = similarity.check(later, threshold=0.0)[0].estimate
    assert [m.estimate for m in similarity.check(later, threshold=estimate)] == [estimate]
    assert similarity.check(later, threshold=estimate + 1 / similarity.NUM_PERM) == []
    app.config["IMSA_SIMILARITY_THRESHOLD"] = 0.95  # configurable: the check reads it each time
    assert similarity.check(later) == []


def test_a_trainees_own_earlier_attempt_is_not_a_match(world):
    text = essay(1)
    first = submit(world["earlier"], world["assignment"], text)
    again = Submission(
        enrolment_id=first.enrolment_id,
        assignment_id=first.assignment_id,
        attempt=2,
        text=text,
        status=SubmissionStatus.SUBMITTED,
    )
    db.session.add(again)
    db.session.flush()
    assert similarity.check(again) == []  # a resubmission starts from the trainee's own text
    assert len(similarity.check(submit(world["later"], world["assignment"], text))) == 2


def test_markers_see_the_match_by_cohort_and_candidate_number_never_the_name(world, app):
    original = essay(1)
    earlier = submit(world["earlier"], world["assignment"], original)
    later = submit(world["later"], world["assignment"], copying(original, 0.6, seed=2))
    client = app.test_client()
    sign_in(client, world["marker"])
    page = client.get(f"/marking/pieces/{later.public_id}").get_data(as_text=True)
    assert "Similarity check" in page and "Cohort 3" in page
    assert world["earlier"].candidate_number in page
    assert "Erin Earliername" not in page and "Lee Latername" not in page
    assert f"/marking/pieces/{earlier.public_id}" in page  # the marker may open it: a trainer of both
    assert db.session.scalar(sa.select(sa.func.count(SimilarityMatch.id))) == 1


def test_work_submitted_before_the_check_is_signed_from_the_command_line_and_then_compared(world, app):
    original = essay(1)
    earlier = submit(world["earlier"], world["assignment"], original)
    db.session.delete(db.session.get(SimilaritySignature, earlier.id))  # as if submitted before the check
    db.session.commit()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["cohort", "sign-submissions"]).output == "signed: 1 submission\n"
    assert runner.invoke(args=["cohort", "sign-submissions"]).output == "signed: 0 submissions\n"
    later = submit(world["later"], world["assignment"], copying(original, 0.6, seed=2))
    assert [m.earlier_id for m in similarity.matches_for(later)] == [earlier.id]
