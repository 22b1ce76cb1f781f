"""Who may reach every route. The table must name every endpoint in the URL map, so a new route
cannot be added without deciding (and testing) who may use it."""

from __future__ import annotations

from datetime import date

import pytest

from app.accreditation.keys import keystore
from app.auth.models import Role, User
from app.database import db
from app.learning import assignments, portfolio, quizzes
from app.marking import consideration
from tests.conftest import csrf_token, sign_in
from tests.factories import make_assessed_version, make_cohort, make_enrolment, make_organisation, make_user

ANON, TRAINEE, TRAINER, HUB, ORG = "anonymous", "trainee", "trainer", "hub_admin", "org_manager"
EXAMINER = "external_examiner"  # appointed to the seeded cohort: reads its sample, and nothing else
EVERYONE = {ANON, TRAINEE, TRAINER, HUB, ORG, EXAMINER}
SIGNED_IN = EVERYONE - {ANON}

# endpoint: (method, who may use it)
ACCESS = {
    "site.home": ("GET", SIGNED_IN),
    "site.healthz": ("GET", EVERYONE),
    "auth.sign_in": ("GET", EVERYONE),
    "auth.sign_out": ("POST", EVERYONE),
    "auth.accept_invitation": ("GET", EVERYONE),
    "auth.forgot_password": ("GET", EVERYONE),
    "auth.reset_password": ("GET", EVERYONE),
    "auth.account": ("GET", SIGNED_IN),
    "auth.sign_out_everywhere": ("POST", SIGNED_IN),
    "auth.choose_language": ("GET", EVERYONE),
    "admin.people": ("GET", {HUB}),
    "admin.invite_staff": ("GET", {HUB}),
    "learning.dashboard": ("GET", {TRAINEE}),
    "learning.choose": ("GET", {TRAINEE}),
    "learning.remove_adjustment_reason": ("POST", {TRAINEE}),
    "learning.module": ("GET", {TRAINEE}),
    "learning.lesson": ("GET", {TRAINEE}),
    "learning.complete": ("POST", {TRAINEE}),
    "learning.quiz": ("GET", {TRAINEE}),
    "learning.start_quiz": ("POST", {TRAINEE}),
    "learning.question": ("GET", {TRAINEE}),
    "learning.continue_attempt": ("GET", {TRAINEE}),
    "learning.quiz_check": ("GET", {TRAINEE}),
    "learning.quiz_review": ("GET", {TRAINEE}),
    "learning.assignment": ("GET", {TRAINEE}),
    "learning.autosave": ("POST", {TRAINEE}),
    "marking.receipt": ("GET", {TRAINEE}),
    "learning.attachment": ("GET", {TRAINEE}),
    "learning.portfolio_page": ("GET", {TRAINEE}),
    "marking.resubmit": ("POST", {TRAINEE}),
    "marking.request_review": ("GET", {TRAINEE}),
    "marking.appeals_list": ("GET", {HUB, TRAINER}),
    "marking.appeal": ("GET", {HUB, TRAINER}),  # Hub admins and the assigned reviewer (404 for others)
    "marking.assign_reviewer": ("POST", {HUB}),
    "marking.index": ("GET", {HUB, TRAINER}),
    "marking.piece": ("GET", {HUB, TRAINER}),
    "marking.start": ("POST", {TRAINER}),  # the allocated marker only
    "marking.allocate": ("POST", {HUB}),
    "marking.return_for_anonymisation": ("POST", {HUB, TRAINER}),
    "marking.open_integrity_case": ("POST", {HUB, TRAINER}),  # the piece's markers (the service decides)
    "marking.decide_integrity_case": ("POST", {HUB}),
    "marking.integrity_response": ("POST", {TRAINEE}),
    "marking.piece_attachment": ("GET", {HUB, TRAINER}),
    "marking.assessment": ("GET", {HUB, TRAINER}),
    "marking.report": ("GET", {HUB, TRAINER}),
    "marking.portfolio_queue": ("GET", {HUB, TRAINER}),
    "marking.review_evidence": ("POST", {HUB, TRAINER}),
    "marking.grant_extension": ("GET", {HUB, TRAINER}),
    "marking.my_considerations": ("GET", {TRAINEE}),
    "marking.request_consideration": ("GET", {TRAINEE}),
    # The trainee's statement and evidence: only the Hub admins who decide, never trainers (markers).
    "marking.considerations": ("GET", {HUB}),
    "marking.consideration_request": ("GET", {HUB}),
    "marking.consideration_evidence": ("GET", {HUB}),
    "cohorts.index": ("GET", {HUB, TRAINER}),
    "cohorts.new": ("GET", {HUB}),
    "reports.cohort": ("GET", {HUB, TRAINER}),
    "cohorts.invite": ("GET", {HUB}),
    "cohorts.staff": ("GET", {HUB}),
    "reports.progress_matrix": ("GET", {HUB, TRAINER}),
    "cohorts.schedule": ("GET", {HUB}),
    "cohorts.import_trainees": ("GET", {HUB}),
    "reports.trainee": ("GET", {HUB, TRAINER, ORG}),  # the manager of the trainee's own organisation
    "reports.allow_attempt": ("POST", {HUB, TRAINER}),
    "reports.adjustment_plan": ("POST", {HUB, TRAINER}),
    "reports.contact_note": ("POST", {HUB, TRAINER}),
    "cohorts.enrolment_status": ("GET", {HUB}),
    "cohorts.transfer": ("GET", {HUB}),
    "reports.index": ("GET", {HUB, ORG}),
    "organisations.index": ("GET", {HUB}),
    "organisations.new": ("GET", {HUB}),
    "reports.organisation": ("GET", {ORG}),
    "reports.item_index": ("GET", {HUB, TRAINER}),
    "reports.item_statistics": ("GET", {HUB, TRAINER}),  # a trainer: over the cohorts they train
    "curriculum.index": ("GET", {HUB}),
    "curriculum.publish": ("POST", {HUB}),
    "curriculum.review_due": ("GET", {HUB}),
    "curriculum.withholding": ("POST", {HUB}),
    "admin.outbox": ("GET", {HUB}),
    "admin.retry_message": ("POST", {HUB}),
    "admin.audit": ("GET", {HUB}),
    "privacy.index": ("GET", {HUB}),
    "privacy.export": ("POST", {HUB}),
    "privacy.erase_person": ("POST", {HUB}),
    "accreditation.index": ("GET", {HUB}),
    "accreditation.eligibility": ("GET", {HUB}),
    "accreditation.approve_cohort": ("POST", {HUB}),
    "accreditation.cohort_approval": ("GET", {HUB}),
    "accreditation.credential": ("GET", {HUB}),
    "accreditation.change": ("POST", {HUB}),
    "accreditation.mine": ("GET", {TRAINEE}),
    "accreditation.declare": ("POST", {TRAINEE}),
    "accreditation.log_cpd": ("POST", {TRAINEE}),
    "accreditation.module_records": ("GET", {TRAINEE}),
    "accreditation.request_module_record": ("POST", {TRAINEE}),  # their own place (404 otherwise)
    "accreditation.public_page": ("POST", {TRAINEE}),
    "accreditation.create_share_link": ("POST", {TRAINEE}),
    "accreditation.revoke_share_link": ("POST", {TRAINEE}),
    "accreditation.request_name_change": ("POST", {TRAINEE}),
    "accreditation.name_changes": ("GET", {HUB}),
    "accreditation.decide_name_change": ("POST", {HUB}),
    "assurance.index": ("GET", {HUB, EXAMINER}),
    "assurance.cohort": ("GET", {HUB, EXAMINER}),
    "assurance.appoint": ("POST", {HUB}),
    "assurance.module_sample": ("GET", {HUB, EXAMINER}),
    "assurance.sampled_piece": ("GET", {HUB, EXAMINER}),  # a piece in the sample (404 otherwise)
    "assurance.report": ("GET", {EXAMINER}),
    "assurance.respond": ("POST", {HUB}),
    "assurance.board": ("GET", {HUB}),
    "reports.assurance_pack_download": ("GET", {HUB, EXAMINER}),
    "verify.start": ("GET", EVERYONE),
    "verify.by_code": ("GET", EVERYONE),
    "verify.credential_jwt": ("GET", EVERYONE),
    "verify.credential_json": ("GET", EVERYONE),
    "verify.credential_jsonld": ("GET", EVERYONE),
    "verify.certificate": ("GET", EVERYONE),
    "verify.how": ("GET", EVERYONE),
    "verify.shared": ("GET", EVERYONE),
    "verify.api_by_code": ("GET", EVERYONE),
    "verify.api_verify_token": ("POST", EVERYONE),
    "verify.openapi": ("GET", EVERYONE),
    "verify.did_document": ("GET", EVERYONE),
    "verify.jwks": ("GET", EVERYONE),
    "verify.ledger_head": ("GET", EVERYONE),
    "verify.status_list": ("GET", EVERYONE),
    "verify.status_list_ld": ("GET", EVERYONE),
    "verify.achievement": ("GET", EVERYONE),
}


def _seed(root):
    """One trainee with work in every state a route needs, their trainer, a Hub admin and an organisation
    manager; returns the people's ids and the URL parameters, as plain values."""
    version = make_assessed_version(root)
    trainer = make_user(Role.TRAINER)
    cohort = make_cohort(version, trainers=[trainer])
    organisation = make_organisation()
    trainee = make_user(Role.TRAINEE)
    enrolment = make_enrolment(cohort, trainee, organisation)
    module = version.modules[0]
    attempt = quizzes.start_attempt(enrolment, module.quiz, trainee)
    piece = assignments.current_submission(enrolment, module.assignment, trainee)
    assignments.submit(piece, "A piece of written work.", 0, True, trainee)
    piece.marker_id = trainer.id
    entry = portfolio.log_entry(
        enrolment,
        module,
        "supervision",
        date(2026, 1, 5),
        None,
        "A reflective supervision session about boundaries.",
        trainee,
    )
    asked = consideration.request_consideration(
        enrolment,
        f"quiz:{module.quiz.id}",
        date(2026, 1, 5),
        "I was in hospital that week.",
        ("letter.pdf", b"%PDF-1.4 a letter"),
        trainee,
    )
    keystore().init()  # the public key documents and status lists need a key
    manager = make_user(Role.ORG_MANAGER)
    manager.organisation = organisation
    examiner = make_user(Role.EXTERNAL_EXAMINER)
    cohort.external_examiner_id = examiner.id
    db.session.commit()
    people = {
        TRAINEE: trainee,
        TRAINER: trainer,
        HUB: make_user(Role.HUB_ADMIN),
        ORG: manager,
        EXAMINER: examiner,
    }
    params = {
        "attempt_id": attempt.public_id,
        "number": 1,
        "entry_id": entry.public_id,
        "piece_id": piece.public_id,
        "appeal_id": "no-such-appeal",
        "cohort_id": cohort.public_id,
        "module_slug": module.slug,
        "module_code": module.code,
        "lesson_slug": module.lessons[0].slug,
        "public_id": cohort.public_id,
        "enrolment_id": enrolment.public_id,
        "content_hash": version.content_hash,
        "token": "no-such-token",
        "code": "IMSA-0000-0000-0",
        "action": "suspend",
        "label": version.label,
        "list_number": 1,
        "consideration_id": asked.public_id,
        "progress_id": "no-such-job",
        "tag": "cy",
    }
    return {persona: person.id for persona, person in people.items()}, params


@pytest.fixture(scope="module")
def shared(make_shared_world, tmp_path_factory):
    """One app and one seeded world for the whole module (seeding takes far longer than one request);
    each test starts from the seeded state (see SharedWorld)."""
    return make_shared_world(lambda: _seed(tmp_path_factory.mktemp("access")))


@pytest.fixture
def app(shared):
    with shared.use() as application:
        yield application


@pytest.fixture
def world(app, shared):
    ids, params = shared.data
    return {persona: db.session.get(User, id) for persona, id in ids.items()}, params


def test_the_table_names_every_route(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert endpoints == set(ACCESS), "add new routes to ACCESS with who may use them"


def _url(app, endpoint, params):
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    return rule.build({name: params[name] for name in rule.arguments})[1]


@pytest.mark.parametrize("persona", sorted(EVERYONE))
@pytest.mark.parametrize("endpoint", sorted(ACCESS))
def test_route_access_by_role(app, world, endpoint, persona):
    people, params = world
    client = app.test_client()
    if persona != ANON:
        sign_in(client, people[persona])
    method, allowed = ACCESS[endpoint]
    url = _url(app, endpoint, params)
    if method == "POST":
        response = client.post(url, data={"csrf_token": csrf_token(client)})
    else:
        response = client.get(url)
    refused = response.status_code == 403 or (
        response.status_code == 302
        and response.location.startswith("/sign-in")
        and endpoint not in {"auth.sign_out"}
    )
    if persona in allowed:
        assert not refused, f"{persona} should reach {endpoint} ({response.status_code})"
        assert response.status_code < 500
    else:
        assert refused, f"{persona} must not reach {endpoint} (got {response.status_code})"
        if persona == ANON:
            assert response.status_code == 302 and "next=" in response.location


def test_a_trainer_sees_only_their_own_cohorts(app, world, tmp_path):
    _people, params = world
    other_trainer = make_user(Role.TRAINER)
    client = app.test_client()
    sign_in(client, other_trainer)
    assert client.get(f"/cohorts/{params['public_id']}").status_code == 403
    assert params["public_id"] not in client.get("/cohorts/").get_data(as_text=True)
