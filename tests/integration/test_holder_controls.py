"""Name changes (re-issue under the new name, the old code says Replaced), the holder's public page and
share links, expiry reminders, the seal image and LinkedIn's organisation id."""

from __future__ import annotations

import io
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from app.accreditation import corrections, sharing
from app.accreditation.certificate_files import certificate_pdf
from app.accreditation.credentials import unverified_payload
from app.accreditation.errors import AccreditationError
from app.accreditation.holder_routes import linkedin_url
from app.accreditation.ledger import events_for
from app.accreditation.lifecycle import suspend
from app.accreditation.models import (
    Credential,
    CredentialKind,
    CredentialReminder,
    LedgerAction,
    NameChangeStatus,
    ShareLink,
)
from app.accreditation.reminders import send_expiry_reminders
from app.audit.models import AuditEvent
from app.auth.models import Role
from app.database import db, utcnow
from app.mail.models import OutboxMessage
from app.templating import LONDON
from tests.conftest import csrf_token, post_form, sign_in
from tests.factories import make_credential, make_user

OLD, NEW = "Ada Oldname", "Ada Newname"


@pytest.fixture
def credential(app, tmp_path):
    return make_credential(tmp_path, holder=make_user(Role.TRAINEE, name=OLD))


@pytest.fixture
def hub(app):
    return make_user(Role.HUB_ADMIN)


def _page(response) -> str:
    return response.get_data(as_text=True)


def _renamed(credential, hub) -> Credential:
    request = corrections.request_name_change(credential, NEW, "Deed poll in March.", credential.holder)
    new = corrections.approve(request, hub)
    db.session.commit()
    return new


# --- name changes


def test_an_approved_name_change_reissues_under_the_new_name_and_the_old_code_says_replaced(
    client, credential, hub
):
    old_code = credential.code
    new = _renamed(credential, hub)
    assert new.code != old_code and new.replaces_id == credential.id and credential.replaced_at
    assert credential.holder.name == NEW  # the account too
    assert (new.valid_from, new.valid_until, new.awarded_on) == (
        credential.valid_from,
        credential.valid_until,
        credential.awarded_on,
    )
    old_page = _page(client.get(f"/verify/{old_code}"))
    assert "Replaced by a newer credential" in old_page and OLD not in old_page and NEW not in old_page
    new_page = _page(client.get(f"/verify/{new.code}"))
    assert "genuine and current" in new_page and NEW in new_page
    assert unverified_payload(new.jws)["credentialSubject"]["identifier"][0]["identityHash"] == NEW
    api = client.get(f"/api/v1/verify/{old_code}").get_json()
    assert api["verdict"] == "replaced" and "credential" not in api


def test_a_name_change_replaces_the_transcript_too_so_no_code_shows_the_old_name(client, credential, hub):
    def transcripts():
        kind = Credential.kind == CredentialKind.TRANSCRIPT
        return list(db.session.scalars(sa.select(Credential).where(kind).order_by(Credential.id)))

    (before,) = transcripts()
    new = _renamed(credential, hub)
    old_transcript, new_transcript = transcripts()
    assert old_transcript.id == before.id and old_transcript.replaced_at is not None
    assert new_transcript.replaced_at is None and new_transcript.subject_uuid == new.subject_uuid
    old_page = _page(client.get(f"/verify/{old_transcript.code}"))
    assert "Replaced by a newer credential" in old_page and OLD not in old_page
    new_page = _page(client.get(f"/verify/{new_transcript.code}"))
    assert "genuine and current" in new_page and NEW in new_page and OLD not in new_page


def test_the_ledger_records_the_replacement_without_either_name(credential, hub):
    new = _renamed(credential, hub)
    (event,) = [e for e in events_for(new.code) if e.action is LedgerAction.REPLACE]
    assert event.details["replaces"] == credential.code
    assert OLD not in str(event.details) and NEW not in str(event.details)


def test_the_old_code_files_are_not_downloadable_but_the_new_certificate_has_the_new_name(
    client, credential, hub
):
    new = _renamed(credential, hub)
    assert client.get(f"/verify/{credential.code}/credential.json").status_code == 404
    assert client.get(f"/verify/{new.code}/credential.json").status_code == 200
    assert certificate_pdf(new)[:4] == b"%PDF"


def test_a_double_click_on_approve_issues_one_credential(credential, hub):
    request = corrections.request_name_change(credential, NEW, "Married.", credential.holder)
    first = corrections.approve(request, hub)
    db.session.commit()
    assert corrections.approve(request, hub).id == first.id
    assert (
        db.session.scalar(
            sa.select(sa.func.count(Credential.id)).where(Credential.kind == CredentialKind.AWARD)
        )
        == 2
    )


def test_asking_twice_for_the_same_name_is_one_request_and_another_name_is_refused(credential):
    first = corrections.request_name_change(credential, NEW, "Married.", credential.holder)
    assert corrections.request_name_change(credential, NEW, "Married.", credential.holder).id == first.id
    with pytest.raises(AccreditationError) as refused:
        corrections.request_name_change(credential, "Someone Else", "Married.", credential.holder)
    assert refused.value.field == "new_name"


@pytest.mark.parametrize(
    ("new_name", "reason", "field"),
    [("", "Married.", "new_name"), (OLD, "Married.", "new_name"), (NEW, "", "reason")],
)
def test_a_name_change_request_names_the_field_to_fix(credential, new_name, reason, field):
    with pytest.raises(AccreditationError) as refused:
        corrections.request_name_change(credential, new_name, reason, credential.holder)
    assert refused.value.field == field


def test_a_refusal_needs_a_note_the_holder_then_sees(client, credential, hub):
    request = corrections.request_name_change(credential, NEW, "Married.", credential.holder)
    db.session.commit()
    with pytest.raises(AccreditationError) as refused:
        corrections.refuse(request, "", hub)
    assert refused.value.field == "note"
    corrections.refuse(request, "Please show us the deed poll first.", hub)
    db.session.commit()
    assert request.status is NameChangeStatus.REFUSED and credential.holder.name == OLD
    with pytest.raises(AccreditationError) as decided:
        corrections.approve(request, hub)
    assert decided.value.field == "decision"
    sign_in(client, credential.holder)
    assert "Please show us the deed poll first." in _page(client.get("/accreditation/mine"))


def test_a_suspended_credential_is_not_reissued(credential, hub):
    request = corrections.request_name_change(credential, NEW, "Married.", credential.holder)
    suspend(credential, "Under review after a complaint.", hub)
    with pytest.raises(AccreditationError) as refused:
        corrections.approve(request, hub)
    assert refused.value.field == "decision"


def test_the_reason_is_seen_by_the_hub_and_not_recorded_in_the_audit_trail(client, credential, hub):
    sign_in(client, credential.holder)
    response = post_form(
        client,
        f"/accreditation/mine/{credential.code}/name-change",
        {"name-new_name": NEW, "name-reason": "A private matter about my safety."},
    )
    assert response.status_code == 302
    details = [str(e.details) for e in db.session.scalars(sa.select(AuditEvent))]
    assert not any("private matter" in d for d in details)
    client.get("/sign-out")
    sign_in(client, hub)
    page = _page(client.get("/accreditation/name-changes"))
    assert "A private matter about my safety." in page and NEW in page


def test_the_hub_approves_through_the_page_and_a_refusal_without_a_note_keeps_the_form(
    client, credential, hub
):
    request = corrections.request_name_change(credential, NEW, "Married.", credential.holder)
    db.session.commit()
    sign_in(client, hub)
    url = f"/accreditation/name-changes/{request.public_id}"
    refused = post_form(client, url, {f"{request.public_id}-decision": "refuse"})
    assert refused.status_code == 400 and "Say why" in _page(refused)
    approved = post_form(client, url, {f"{request.public_id}-decision": "approve"})
    assert approved.status_code == 302
    assert db.session.scalar(sa.select(Credential).where(Credential.replaces_id == credential.id))
    mail = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.recipient == credential.holder.email)
    )
    assert any("has been changed" in m.subject for m in mail)


# --- the public page and share links


def test_a_private_holder_code_says_so_without_a_name_or_files(client, credential):
    sharing.set_public_page(credential, False, credential.holder)
    db.session.commit()
    page = _page(client.get(f"/verify/{credential.code}"))
    assert "This holder has made their record private" in page and OLD not in page
    assert client.get(f"/verify/{credential.code}/credential.jwt").status_code == 404
    assert "credential" not in client.get(f"/api/v1/verify/{credential.code}").get_json()
    sign_in(client, credential.holder)  # the holder still downloads their own
    assert client.get(f"/verify/{credential.code}/credential.jwt").status_code == 200


def test_a_private_holder_file_still_verifies_with_the_name(client, credential):
    sharing.set_public_page(credential, False, credential.holder)
    db.session.commit()
    pdf = certificate_pdf(credential)
    response = client.post(
        "/verify",
        data={
            "csrf_token": csrf_token(client),
            "form": "upload",
            "upload-certificate": (io.BytesIO(pdf), "certificate.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert "genuine and current" in _page(response) and OLD in _page(response)
    api = client.post("/api/v1/verify", data=credential.jws, content_type="application/jwt").get_json()
    assert api["verdict"] == "valid" and api["credential"]["holder"] == OLD


def test_the_holder_turns_the_page_off_and_on_through_their_page(client, credential):
    sign_in(client, credential.holder)
    url = f"/accreditation/mine/{credential.code}/public-page"
    assert post_form(client, url, {"page-public": "off"}).status_code == 302
    assert post_form(client, url, {"page-public": "off"}).status_code == 302  # a double click
    assert credential.public_page is False
    assert [
        e.details
        for e in db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "credential.public_page")
        )
    ] == [{"public": False}]
    assert post_form(client, url, {"page-public": "maybe"}).status_code == 400
    post_form(client, url, {"page-public": "on"})
    assert credential.public_page is True


def test_a_share_link_shows_the_full_verdict_while_it_works_even_when_private(client, credential):
    sharing.set_public_page(credential, False, credential.holder)
    link = sharing.create_share_link(credential, 7, credential.holder)
    db.session.commit()
    page = _page(client.get(f"/verify/share/{link.token}"))
    assert "genuine and current" in page and OLD in page


def test_an_expired_or_stopped_share_link_says_it_has_expired(client, credential):
    old = sharing.create_share_link(credential, 7, credential.holder, now=utcnow() - timedelta(days=8))
    stopped = sharing.create_share_link(credential, 30, credential.holder)
    sharing.revoke_share_link(stopped, credential.holder)
    sharing.revoke_share_link(stopped, credential.holder)  # a double click
    db.session.commit()
    for link in (old, stopped):
        response = client.get(f"/verify/share/{link.token}")
        assert response.status_code == 410 and "This share link has expired" in _page(response)
        assert OLD not in _page(response)
    assert client.get("/verify/share/not-a-token").status_code == 404


def test_a_link_stopped_before_its_row_is_written_is_stopped_at_the_first_click(client, credential):
    link = sharing.create_share_link(credential, 30, credential.holder)
    sharing.revoke_share_link(link, credential.holder)  # one click, in the transaction that made it
    db.session.commit()
    assert link.revoked_at is not None
    assert client.get(f"/verify/share/{link.token}").status_code == 410


def test_a_share_link_needs_a_listed_length_and_a_double_click_makes_one(client, credential):
    with pytest.raises(AccreditationError) as refused:
        sharing.create_share_link(credential, 365, credential.holder)
    assert refused.value.field == "days"
    sign_in(client, credential.holder)
    url = f"/accreditation/mine/{credential.code}/share-links"
    assert post_form(client, url, {"share-days": "30"}).status_code == 302
    assert post_form(client, url, {"share-days": "30"}).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(ShareLink.id))) == 1
    assert "Works until" in _page(client.get("/accreditation/mine"))


def test_only_the_holder_sees_and_stops_their_links(client, credential):
    link = sharing.create_share_link(credential, 7, credential.holder)
    db.session.commit()
    sign_in(client, make_user(Role.TRAINEE))
    assert post_form(client, f"/accreditation/mine/share-links/{link.token}/revoke").status_code == 404
    assert (
        post_form(
            client, f"/accreditation/mine/{credential.code}/public-page", {"page-public": "off"}
        ).status_code
        == 404
    )


# --- reminders, the image and LinkedIn


def test_expiry_reminders_are_sent_once_at_90_and_at_30_days(app, credential):
    until = credential.valid_until.astimezone(LONDON).date()
    sent = {}
    for left in range(120, -3, -1):
        for _twice in range(2):
            sent[left] = sent.get(left, 0) + send_expiry_reminders(until - timedelta(days=left))
            db.session.commit()
    assert {left: n for left, n in sent.items() if n} == {90: 1, 30: 1}
    mail = list(
        db.session.scalars(
            sa.select(OutboxMessage).where(
                OutboxMessage.recipient == credential.holder.email, OutboxMessage.subject.like("%expires in%")
            )
        )
    )
    assert sorted(m.subject for m in mail) == [
        "Your IMSA® accreditation expires in 30 days",
        "Your IMSA® accreditation expires in 90 days",
    ]
    assert db.session.scalar(sa.select(sa.func.count(CredentialReminder.id))) == 2


def test_the_cli_sends_the_reminders(app, credential):
    until = credential.valid_until.astimezone(LONDON).date()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["credential", "remind-expiry", "--today", f"{until - timedelta(days=90)}"])
    assert result.exit_code == 0 and "sent 1 expiry reminder" in result.output
    again = runner.invoke(args=["credential", "remind-expiry", "--today", f"{until - timedelta(days=89)}"])
    assert "sent 0 expiry reminders" in again.output


def test_the_achievement_carries_the_seal_as_a_png(credential):
    image = unverified_payload(credential.jws)["credentialSubject"]["achievement"]["image"]
    assert image["type"] == "Image" and image["id"].startswith("data:image/png;base64,iVBOR")


def test_linkedin_link_carries_the_organisation_id_only_when_configured(app, credential):
    with app.test_request_context():
        assert "organizationId" not in parse_qs(urlsplit(linkedin_url(credential)).query)
        app.config["IMSA_LINKEDIN_ORGANIZATION_ID"] = "1234567"
        assert parse_qs(urlsplit(linkedin_url(credential)).query)["organizationId"] == ["1234567"]


def test_the_hub_credential_pages_link_the_old_and_the_new(client, credential, hub):
    new = _renamed(credential, hub)
    sign_in(client, hub)
    assert new.code in _page(client.get(f"/accreditation/credentials/{credential.code}"))
    page = _page(client.get(f"/accreditation/credentials/{new.code}"))
    assert "Replaces (name change)" in page and credential.code in page
    assert "Replaced" in _page(client.get("/accreditation/"))
