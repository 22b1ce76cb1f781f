"""The assurance pack: one signed ZIP per cohort for an external examiner or a regulator, checkable offline.

It holds the examiner's sample with each piece's full marking history, the due-process figures (counts and
outcomes, never reasons or statements), the rubric and curriculum versions by hash, the examiner's report,
the award board's decision and the ledger's signed head. Trainees appear by candidate number only. The seal
(``SHA256SUMS`` signed with the issuer's key) is ``app.reports.sealed_zip``; ``imsa pack verify FILE``
checks it, and so do ``sha256sum`` and ``openssl`` (the pack's README.txt says how).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from app.accreditation import ledger
from app.accreditation.keys import keystore
from app.assurance import services as assurance
from app.audit.services import record
from app.auth import policy
from app.auth.access import PermissionDenied
from app.cohorts.models import Cohort, Enrolment
from app.database import db, utcnow
from app.learning.models import Submission
from app.marking.models import (
    Appeal,
    AppealStatus,
    CaseOutcome,
    ConsiderationOutcome,
    ConsiderationRequest,
    IntegrityCase,
)
from app.reports import sealed_zip
from app.reports.due_process import figures


def _json(value) -> bytes:
    return (json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=_plain) + "\n").encode()


def _plain(value):
    """Dates and times as ISO 8601; enums by value."""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def rubric_hash(assignment) -> str:
    """SHA-256 of the rubric as marked: criteria, thresholds, the resubmission rule and moderation."""
    rubric = {
        "criteria": assignment.criteria,
        "thresholds": assignment.thresholds,
        "resubmission": assignment.resubmission,
        "moderation": assignment.moderation,
    }
    return hashlib.sha256(json.dumps(rubric, sort_keys=True).encode()).hexdigest()


def _marker(user) -> str:
    # Staff are named: the examiner's job includes judging each marker's consistency.
    return user.name if user is not None else "the system"


def _piece(piece: Submission) -> dict:
    return {
        "piece": piece.public_id,
        "candidate": piece.enrolment.candidate_number,
        "module": piece.assignment.module.code,
        "attempt": piece.attempt,
        "status": piece.status.value,
        "result": {"band": piece.result_band, "total": piece.result_total},
        "submitted_at": piece.submitted_at,
        "released_at": piece.released_at,
        "text_sha256": piece.sha256,
        "marks": [
            {
                "kind": mark.kind.value,
                "marker": _marker(mark.marker),
                "criteria": {
                    key: {k: v for k, v in c.items() if k != "feedback_html"}
                    for key, c in mark.criteria.items()
                },
                "total": mark.total,
                "band": mark.band,
                "rationale": mark.rationale,
                "feedback": mark.feedback_markdown,
                "saved_at": mark.saved_at,
                "completed_at": mark.completed_at,
            }
            for mark in assurance.history_of(piece)
        ],
        "events": [
            {"at": event.occurred_at, "action": event.action, "by": _marker(actor) if actor else "the system"}
            for event, actor in assurance.events_of(piece)
        ],
    }


def _referred(cohort: Cohort) -> dict:
    """What was put to the board, as counts: the board's own record holds its decisions."""

    def count(model, *where) -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))

    in_cohort = sa.select(Enrolment.id).where(Enrolment.cohort_id == cohort.id)
    pieces = sa.select(Submission.id).where(Submission.enrolment_id.in_(in_cohort))
    return {
        "appeals_referred": count(
            Appeal, Appeal.submission_id.in_(pieces), Appeal.status == AppealStatus.REFERRED
        ),
        "integrity_cases_referred": count(
            IntegrityCase,
            IntegrityCase.enrolment_id.in_(in_cohort),
            IntegrityCase.outcome == CaseOutcome.REFERRED,
        ),
        "special_consideration_notes": count(
            ConsiderationRequest,
            ConsiderationRequest.enrolment_id.in_(in_cohort),
            ConsiderationRequest.outcome == ConsiderationOutcome.BOARD_NOTE,
        ),
    }


def contents(cohort: Cohort, now: datetime) -> dict[str, bytes]:
    version = cohort.curriculum_version
    files: dict[str, bytes] = {}
    modules = []
    for module in version.modules:
        entry = {"code": module.code, "title": module.title, "content_sha256": module.content_hash}
        if module.assignment:
            entry["rubric_sha256"] = rubric_hash(module.assignment)
            sample = assurance.sample_for(cohort, module)
            entry["sample"] = [p.public_id for p in sample]
            for piece in sample:
                files[f"sample/{module.code}/{piece.public_id}.json"] = _json(_piece(piece))
        modules.append(entry)
    files["cohort.json"] = _json(
        {
            "cohort": {"id": cohort.public_id, "name": cohort.name, "starts_on": cohort.starts_on},
            "curriculum": {"label": version.label, "content_sha256": version.content_hash},
            "modules": modules,
            "issuer": keystore().did,
            "generated_at": now,
            "sample_rule": f"every Fail and Distinction, {assurance.PER_MARKER} more per marker, and the "
            "examiner's additions",
        }
    )
    due = figures([Enrolment.cohort_id == cohort.id])
    files["decisions.json"] = _json(
        {
            "note": "Counts and outcomes only; reasons, statements and evidence are not included.",
            **(due[0].as_dict() if due else {}),
            "put_to_the_board": _referred(cohort),
        }
    )
    report = assurance.report_for(cohort)
    files["examiner-report.json"] = _json(
        None
        if report is None
        else {
            "examiner": report.examiner.name,
            "submitted_at": report.submitted_at,
            "judgement": report.judgement.value,
            "module_comments": report.module_comments,
            "overall_comments": report.overall_comments,
            "hub_response": report.hub_response,
            "responded_at": report.responded_at,
        }
    )
    board = assurance.board_for(cohort)
    files["award-board.json"] = _json(
        None
        if board is None
        else {
            "met_on": board.met_on,
            "attendees": board.attendees,
            "results": board.results,
            "changes": board.changes,
            "decided_at": board.decided_at,
        }
    )
    head = ledger.signed_head_token()
    if head:
        files["ledger-head.jws"] = head.encode()
    files["README.txt"] = README.encode()
    return files


def build(cohort: Cohort, actor) -> bytes:
    """The signed pack, for a Hub admin or the cohort's external examiner; the building is audited."""
    if not (policy.is_hub_admin(actor) or policy.is_external_examiner_for(actor, cohort)):
        raise PermissionDenied("only Hub admins and the cohort's external examiner take its assurance pack")
    _kid, key = keystore().signing_key()
    data = sealed_zip.seal(contents(cohort, utcnow()), key.as_pem(private=True))
    record(actor, "assurance.pack_built", cohort, sha256=hashlib.sha256(data).hexdigest())
    current_app.logger.info("assurance pack built for cohort %s", cohort.public_id)
    return data


def trusted_keys() -> list[bytes]:
    """Every public key the issuer has published (the DID document and JWKS carry the same keys)."""
    return [k.key.as_pem(private=False) for k in keystore().public_keys()]


README = """IMSA(R) assurance pack
======================

What is here
- cohort.json: the cohort, its curriculum version and each module's content and rubric by SHA-256,
  and which pieces are in the external examiner's sample.
- sample/<module>/<piece>.json: each sampled piece's result and full marking history (every mark,
  moderation and agreed mark, and every recorded step). Trainees appear by candidate number only.
- decisions.json: reasonable adjustments, special consideration, appeals and academic-integrity cases
  as counts and outcomes. No reasons, statements or evidence are included.
- examiner-report.json and award-board.json: the examiner's report with the Hub's response, and the
  award board's decision with the results it ratified.
- ledger-head.jws: the signed head of the credential ledger when the pack was made.
- SHA256SUMS: the SHA-256 of every file above. SHA256SUMS.sig: its signature by the issuer's key.
  issuer-key.pem: that public key.

How to check it
1. With the platform:   imsa pack verify pack.zip
   (or, away from the platform, with the issuer's published key: imsa pack verify pack.zip --key key.pem)
2. With standard tools, after unzipping:
     sha256sum -c SHA256SUMS
     openssl dgst -sha256 -verify issuer-key.pem -signature SHA256SUMS.sig SHA256SUMS
   Then confirm issuer-key.pem is one of the keys the issuer publishes at /.well-known/did.json
   or /.well-known/jwks.json: a pack signed by any other key proves nothing.
"""
