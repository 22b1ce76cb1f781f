"""The portfolio: evidence logged without identifying anyone, reviewed by a trainer, totalled."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.auth.access import PermissionDenied
from app.auth.models import Role
from app.database import db
from app.learning import portfolio
from app.learning.models import EvidenceStatus, PortfolioEntry
from tests.conftest import post_form, sign_in
from tests.factories import make_assessed_version, make_cohort, make_enrolment, make_user

URL = "/learn/m01-module-1/portfolio"
GENERAL = "Supported a person to prepare for a housing appointment and explained their options."


def setup(tmp_path):
    version = make_assessed_version(tmp_path)
    trainer = make_user(Role.TRAINER)
    enrolment = make_enrolment(make_cohort(version, trainers=[trainer]))
    return enrolment, version.modules[0], trainer


@pytest.mark.parametrize(
    "text, found",
    [
        ("Met a survivor born 12/03/1990 at the centre to discuss housing.", "a date"),
        ("Discussed their D.O.B. with the council to fix the letter.", "a date of birth"),
        ("Chased NRM ref 123456 with the competent authority this week.", "an NRM reference"),
        ("Called them on 07700 900123 to confirm the appointment time.", "a phone number"),
        ("Emailed alex.example@example.org about the hearing and next steps.", "an email address"),
        ("Home Office reference AB1234567 was quoted in the letter we drafted.", "a reference number"),
        ("Visited the flat at SW1A 1AA with the housing officer for the review.", "a postcode"),
    ],
)
def test_identifying_details_are_refused(app, tmp_path, text, found):
    enrolment, module, _ = setup(tmp_path)
    with pytest.raises(portfolio.EvidenceRefused) as refused:
        portfolio.log_entry(
            enrolment, module, "direct_practice", date(2026, 1, 5), Decimal(2), text, enrolment.user
        )
    assert found in str(refused.value) and refused.value.field == "description"
    assert db.session.query(PortfolioEntry).count() == 0


def test_general_descriptions_are_accepted(app, tmp_path):
    enrolment, module, _ = setup(tmp_path)
    entry = portfolio.log_entry(
        enrolment, module, "direct_practice", date(2026, 1, 5), Decimal("1.5"), GENERAL, enrolment.user
    )
    db.session.commit()
    assert entry.status is EvidenceStatus.SUBMITTED and entry.hours == Decimal("1.5")


def test_the_form_keeps_what_was_typed_and_says_what_to_fix(client, tmp_path):
    enrolment, _, _ = setup(tmp_path)
    sign_in(client, enrolment.user)
    response = post_form(
        client,
        URL,
        {
            "kind": "direct_practice",
            "occurred_on": "2026-01-05",
            "hours": "2",
            "description": "Rang them on 07700 900123 to check in about housing.",
        },
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Remove anything that could identify someone" in body
    assert "Rang them on 07700 900123" in body  # kept, so they can reword it


def test_hours_are_required_for_practice_but_not_for_sessions(app, tmp_path):
    enrolment, module, _ = setup(tmp_path)
    with pytest.raises(portfolio.EvidenceRefused, match="Enter the hours"):
        portfolio.log_entry(
            enrolment, module, "direct_practice", date(2026, 1, 5), None, GENERAL, enrolment.user
        )
    entry = portfolio.log_entry(
        enrolment, module, "supervision", date(2026, 1, 5), Decimal(3), GENERAL, enrolment.user
    )
    assert entry.hours is None
    with pytest.raises(portfolio.EvidenceRefused, match="today or in the past"):
        portfolio.log_entry(enrolment, module, "supervision", date(2999, 1, 1), None, GENERAL, enrolment.user)


def test_totals_count_verified_evidence_against_each_requirement(client, tmp_path):
    enrolment, module, trainer = setup(tmp_path)
    logged = [
        portfolio.log_entry(
            enrolment, module, "direct_practice", date(2026, 1, d), Decimal(h), GENERAL, enrolment.user
        )
        for d, h in ((5, 4), (6, 6.5))
    ] + [
        portfolio.log_entry(enrolment, module, "supervision", date(2026, 1, 7), None, GENERAL, enrolment.user)
    ]
    db.session.commit()
    portfolio.review_entry(logged[0], True, "", trainer)
    portfolio.review_entry(logged[1], True, "Good reflection.", trainer)
    with pytest.raises(portfolio.EvidenceRefused, match="Say why"):
        portfolio.review_entry(logged[2], False, "", trainer)
    portfolio.review_entry(logged[2], False, "Please add what you learned.", trainer)
    db.session.commit()
    hours, sessions = portfolio.totals(module, portfolio.entries(enrolment, module))
    assert (hours.verified, hours.met) == (Decimal("10.5"), True)
    assert (sessions.verified, sessions.met) == (0, False)
    sign_in(client, enrolment.user)
    page = client.get(URL).get_data(as_text=True)
    assert "10.5" in page and "Please add what you learned." in page and "Returned" in page


def test_only_the_cohorts_trainers_review_evidence(client, tmp_path):
    enrolment, module, trainer = setup(tmp_path)
    entry = portfolio.log_entry(
        enrolment, module, "supervision", date(2026, 1, 7), None, GENERAL, enrolment.user
    )
    db.session.commit()
    with pytest.raises(PermissionDenied):
        portfolio.review_entry(entry, True, "", make_user(Role.TRAINER))
    sign_in(client, trainer)
    assert GENERAL in client.get("/marking/portfolio").get_data(as_text=True)
    post_form(client, f"/marking/portfolio/{entry.public_id}", {"decision": "verify"})
    db.session.refresh(entry)
    assert entry.status is EvidenceStatus.VERIFIED
