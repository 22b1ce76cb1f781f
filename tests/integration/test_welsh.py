"""Welsh where the public meets the platform: the English / Cymraeg switch (cookie and account), the
verify pages and API in Welsh, emails in the recipient's language, and the bilingual certificate."""

from __future__ import annotations

import io
import re
import unicodedata

import pypdf
import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from app.accreditation import credentials, sharing
from app.accreditation.models import Credential, CredentialKind
from app.audit.models import AuditEvent
from app.auth import services
from app.auth.models import Role
from app.database import db, utcnow
from app.i18n import COOKIE
from app.mail.services import outbox
from app.templating import long_date
from app.verify import verification
from app.verify.verification import Verdict
from tests.conftest import csrf_token, post_form, sign_in
from tests.factories import make_credential, make_user

LINK = re.compile(r"http://localhost(/\S+)")


@pytest.fixture
def credential(app, tmp_path):
    return make_credential(tmp_path)


def _page(response) -> str:
    return response.get_data(as_text=True)


def test_the_switch_remembers_welsh_in_a_cookie_and_comes_back_to_the_page(client):
    response = client.get("/language/cy?next=/verify")
    assert response.status_code == 302 and response.location == "/verify"
    assert client.get_cookie(COOKIE).value == "cy"
    page = _page(client.get("/verify"))
    assert '<html lang="cy"' in page and "Gwirio achrediad IMSA®" in page
    # The way back is named in English and marked so.
    assert 'hreflang="en-GB" lang="en-GB"' in page and "Change the language to English" in page


def test_every_page_offers_the_switch_in_the_other_language(client):
    page = _page(client.get("/sign-in"))
    assert '<html lang="en-GB"' in page
    assert 'href="/language/cy?next=/sign-in"' in page and "Newid yr iaith i’r Gymraeg" in page


def test_the_switch_never_sends_anyone_to_another_site(client):
    for target in ("https://evil.example", "//evil.example", "/\\evil.example"):
        assert client.get("/language/cy", query_string={"next": target}).location == "/"


def test_an_unknown_language_is_not_found(client):
    assert client.get("/language/fr").status_code == 404


def test_a_signed_in_persons_choice_is_stored_on_the_account_once(client):
    trainee = make_user(Role.TRAINEE)
    db.session.commit()
    sign_in(client, trainee)
    client.get("/language/cy?next=/")
    client.get("/language/cy?next=/")  # a second click changes nothing
    db.session.refresh(trainee)
    assert trainee.language == "cy"
    events = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "auth.language_chosen"))
    assert len(list(events)) == 1
    fresh = client.application.test_client()  # another browser, no cookie: the account says Welsh
    sign_in(fresh, trainee)
    assert '<html lang="cy"' in _page(fresh.get("/account"))


def test_the_verdict_reads_in_welsh_with_dates_in_welsh(client, credential):
    client.get("/language/cy")
    page = _page(client.get(f"/verify/{credential.code}"))
    assert "Mae’r achrediad IMSA® hwn yn ddilys ac yn gyfredol." in page
    assert "Beth a wiriwyd" in page and "Wedi llwyddo" in page and "Llofnod" in page
    awarded = credentials.parse_timestamp(credentials.unverified_payload(credential.jws)["awardedDate"])
    from babel.dates import format_date

    assert format_date(awarded.date(), "d MMMM y", locale="cy") in page


def test_the_api_answers_in_welsh_when_asked_and_keeps_its_values(client, credential):
    english = client.get(f"/api/v1/verify/{credential.code}").json
    welsh = client.get(f"/api/v1/verify/{credential.code}", headers={"Accept-Language": "cy"})
    assert welsh.headers["Content-Language"] == "cy"
    assert welsh.json["verdict"] == english["verdict"] == "valid"
    assert welsh.json["status"] == "Dilys" and english["status"] == "Valid"
    assert [c["passed"] for c in welsh.json["checks"]] == [c["passed"] for c in english["checks"]]
    assert welsh.json["checks"][0]["name"] == "Llofnod"
    by_query = client.get("/api/v1/verify/IMSA-0000-0000-0?lang=cy").json
    assert by_query["status"] == "Heb ei ganfod"
    refused = client.post("/api/v1/verify?lang=cy", data="", content_type="application/jwt")
    assert refused.status_code == 400 and refused.json["error"].startswith("anfonwch JWS cryno")


KINDS = {"award": "accreditation", "module": "module record", "transcript": "transcript"}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("verdict", list(Verdict))
@pytest.mark.parametrize("dated", [True, False])
def test_every_verdict_is_a_whole_sentence_for_every_kind_of_record_in_both_languages(
    app, verdict, kind, dated
):
    """Whole sentences, not a noun slotted in: in Welsh the article and the mutations follow the noun."""
    when = utcnow() if dated else None
    record = verification.Stored("u", "c", "j", when, "r", when, "r", None, True, False)
    with app.test_request_context():
        english = verification._summary(verdict, kind, record)
        day = long_date(utcnow().date())
        with force_locale("cy"):
            welsh = verification._summary(verdict, kind, record)
    assert english and welsh and welsh != english
    if verdict not in (Verdict.REPLACED, Verdict.PRIVATE, Verdict.NOT_FOUND, Verdict.SIGNATURE_INVALID):
        assert KINDS[kind] in english
    assert (day in english) is (dated and verdict in (Verdict.REVOKED, Verdict.SUSPENDED))


def test_a_transcript_reads_in_welsh_with_its_own_noun(client, credential):
    transcript = db.session.scalar(
        sa.select(Credential).where(
            Credential.enrolment_id == credential.enrolment_id, Credential.kind == CredentialKind.TRANSCRIPT
        )
    )
    client.get("/language/cy")
    page = _page(client.get(f"/verify/{transcript.code}"))
    assert "Mae’r trawsgrifiad IMSA® hwn yn ddilys ac yn gyfredol." in page
    assert "Math o gofnod" in page and "Trawsgrifiad" in page


def test_share_links_and_private_records_read_in_welsh(client, credential):
    sharing.set_public_page(credential, False, credential.holder)
    working = sharing.create_share_link(credential, 7, credential.holder)
    stopped = sharing.create_share_link(credential, 30, credential.holder)
    db.session.commit()
    sharing.revoke_share_link(stopped, credential.holder)
    db.session.commit()
    client.get("/language/cy")
    private = _page(client.get(f"/verify/{credential.code}"))
    assert "Preifat" in private and "Mae’r deiliad hwn wedi gwneud y cofnod yn breifat" in private
    shared = _page(client.get(f"/verify/share/{working.token}"))
    assert "Rhannodd y deiliad y tystlythyr hwn â chi" in shared and credential.holder.name in shared
    expired = client.get(f"/verify/share/{stopped.token}")
    assert expired.status_code == 410 and "Mae’r ddolen rannu hon wedi dod i ben" in _page(expired)


def test_the_how_to_page_describes_both_forms_in_welsh(client):
    client.get("/language/cy")
    page = _page(client.get("/verify/how"))
    assert "Y ffurf JWS (.jwt)" in page and "Y ffurf JSON-LD (.jsonld)" in page
    assert "Cofnodion modiwlau a thrawsgrifiadau" in page and "?lang=cy" in page


def test_a_welsh_preferring_trainees_invitation_is_in_welsh(client):
    admin = make_user(Role.HUB_ADMIN)
    services.invite("dysgwr@example.org", "Dysgwr Newydd", {Role.TRAINEE}, admin, language="cy")
    db.session.commit()
    mail = outbox(limit=1)[0]
    assert mail.subject == "Eich gwahoddiad i hyfforddiant IMSA®"
    assert mail.body.startswith("Helo Dysgwr Newydd,") and "Eiriolwyr Caethwasiaeth Fodern" in mail.body
    # Accepting it asks the language once, with Welsh already chosen, and keeps the answer.
    link = LINK.search(mail.body).group(1)
    form = _page(client.get(link))
    assert 'value="cy" checked' in form and 'lang="cy">Cymraeg</label>' in form
    password = "cyfrinair hir iawn"
    fields = {"name": "Dysgwr Newydd", "password": password, "confirm": password, "language": "cy"}
    assert post_form(client, link, fields).status_code == 302
    assert services.user_by_email("dysgwr@example.org").language == "cy"


def test_an_english_speakers_invitation_stays_in_english(client):
    admin = make_user(Role.HUB_ADMIN)
    services.invite("learner@example.org", "New Learner", {Role.TRAINEE}, admin)
    db.session.commit()
    assert outbox(limit=1)[0].subject == "Your invitation to IMSA® training"


def test_a_password_reset_email_is_in_the_accounts_language_not_the_pages(client):
    person = make_user(Role.TRAINEE)
    person.language = "cy"
    db.session.commit()
    post_form(client, "/password/forgot", {"email": person.email})  # asked from an English page
    mail = outbox(limit=1)[0]
    assert mail.subject == "Ailosod cyfrinair eich hyfforddiant IMSA®" and "awr" in mail.body


def test_error_pages_are_in_welsh(client):
    client.get("/language/cy")
    response = client.get("/this-page-does-not-exist")
    assert response.status_code == 404 and "Heb ddod o hyd i’r dudalen" in _page(response)


def test_the_credential_names_its_welsh_edition_as_ob3_allows(credential):
    achievement = credentials.unverified_payload(credential.jws)["credentialSubject"]["achievement"]
    assert achievement["inLanguage"] == "en-GB"
    assert achievement["related"] == [
        {
            "id": f"{achievement['id']}?lang=cy",
            "type": ["Related"],
            "inLanguage": "cy",
            "version": achievement["version"],
        }
    ]


def test_the_bilingual_certificate_has_both_languages_and_still_verifies(client, credential):
    pdf = client.get(f"/verify/{credential.code}/certificate.pdf").data
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = " ".join(unicodedata.normalize("NFC", reader.pages[0].extract_text()).split())
    assert len(reader.pages) == 1
    assert "Tystir bod" in text and "This is to certify that" in text
    assert "Eiriolwr Caethwasiaeth Fodern Annibynnol" in text and credential.holder.name in text
    client.get("/language/cy")
    checked = client.post(
        "/verify",
        data={
            "csrf_token": csrf_token(client),
            "form": "upload",
            "upload-certificate": (io.BytesIO(pdf), "c.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert "Mae’r achrediad IMSA® hwn yn ddilys ac yn gyfredol." in _page(checked)


def test_the_hub_can_invite_a_trainee_in_welsh_from_the_cohort_page(client, tmp_path):
    from tests.factories import make_cohort, make_organisation, make_version

    hub = make_user(Role.HUB_ADMIN)
    cohort = make_cohort(make_version(tmp_path))
    organisation = make_organisation()
    db.session.commit()
    sign_in(client, hub)
    fields = {
        "name": "Dysgwr Arall",
        "email": "arall@example.org",
        "organisation": organisation.public_id,
        "language": "cy",
    }
    assert post_form(client, f"/cohorts/{cohort.public_id}/invite", fields).status_code == 302
    assert outbox(limit=1)[0].subject == "Eich gwahoddiad i hyfforddiant IMSA®"


def test_the_account_page_shows_the_stored_language(client):
    person = make_user(Role.TRAINEE)
    db.session.commit()
    sign_in(client, person)
    assert "Not chosen yet: emails are in English" in _page(client.get("/account"))
    client.get("/language/cy")
    page = _page(client.get("/account"))
    assert "Iaith tudalennau ac e-byst" in page and '<span lang="cy">Cymraeg</span>' in page


def test_a_curriculum_version_says_its_language_so_a_welsh_edition_can_follow(app, tmp_path):
    from app.curriculum.loader import CurriculumInvalid, load_tree
    from tests.factories import make_version, write_curriculum

    assert make_version(tmp_path / "english").language == "en-GB"
    content = write_curriculum(tmp_path / "welsh")
    yaml_path = content / "curriculum.yaml"
    yaml_path.write_text(yaml_path.read_text() + "language: cy\n")
    assert load_tree(content).language == "cy"
    yaml_path.write_text(yaml_path.read_text().replace("language: cy", "language: fr"))
    with pytest.raises(CurriculumInvalid, match="language"):
        load_tree(content)
