"""The verify result page is drawn once per thing it shows (app/verify/pages.py), and a kept page is never
shown where a fresh one would differ: another verdict, reason, name, language, address or viewer."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from flask import template_rendered

from app.accreditation import sharing
from app.accreditation.lifecycle import reinstate, revoke, suspend
from app.auth.models import Role
from app.database import db
from app.privacy import erasure
from tests.conftest import sign_in
from tests.factories import make_credential, make_user


@pytest.fixture
def credential(app, tmp_path):
    return make_credential(tmp_path)


@contextmanager
def drawings(app):
    """The names of the templates drawn inside the block."""
    drawn: list[str] = []

    def record(_sender, template, context, **_extra) -> None:
        drawn.append(template.name)

    template_rendered.connect(record, app)
    try:
        yield drawn
    finally:
        template_rendered.disconnect(record, app)


def _fresh(app, url: str, **options) -> str:
    """The page as drawn with nothing kept (a newly started worker)."""
    app.extensions.pop("imsa_verify_pages", None)
    return app.test_client().get(url, **options).get_data(as_text=True)


def test_an_employer_asking_again_gets_the_same_page_without_a_redraw(app, client, credential):
    """The second anonymous look at a code sends the kept page: same bytes, no template drawn."""
    first = client.get(f"/verify/{credential.code}")
    with drawings(app) as drawn:
        again = client.get(f"/verify/{credential.code}")
    assert drawn == [] and again.data == first.data and again.status_code == 200
    assert credential.holder.name in again.get_data(as_text=True)


def test_each_status_change_shows_at_once_with_its_reason(app, client, credential):
    """Suspension, reinstatement and revocation each give the next look a new page naming the reason,
    byte for byte the page a fresh worker draws."""
    hub = make_user(Role.HUB_ADMIN)
    url = f"/verify/{credential.code}"
    client.get(url)
    for change, verdict, words in (
        (lambda: suspend(credential, "Under review.", hub), "Suspended", "Under review."),
        (lambda: reinstate(credential, "Review closed.", hub), "Valid", "Check this is the person"),
        (lambda: revoke(credential, "Issued in error.", hub), "Revoked", "Issued in error."),
    ):
        change()
        db.session.commit()
        page = client.get(url).get_data(as_text=True)
        assert f"<title>{verdict}:" in page and words in page
        assert page == _fresh(app, url)


def test_a_withheld_name_or_a_private_record_is_never_shown_from_an_earlier_page(app, client, credential):
    """Turning the public page off and erasure change no status list, yet the next look shows them."""
    url = f"/verify/{credential.code}"
    name = credential.holder.name
    assert name in client.get(url).get_data(as_text=True)
    sharing.set_public_page(credential, False, credential.holder)
    db.session.commit()
    private = client.get(url).get_data(as_text=True)
    assert "<title>Private:" in private and name not in private
    sharing.set_public_page(credential, True, credential.holder)
    db.session.commit()
    assert name in client.get(url).get_data(as_text=True)
    erasure.erase(credential.holder, make_user(Role.HUB_ADMIN))
    db.session.commit()
    erased = client.get(url).get_data(as_text=True)
    assert name not in erased and "withheld at their request" in erased


def test_each_language_and_address_has_its_own_page(app, client, credential):
    """Welsh and English, and the address the language switch links back to, are kept apart."""
    url = f"/verify/{credential.code}"
    english = client.get(url).get_data(as_text=True)
    welsh = client.get(f"{url}?lang=cy").get_data(as_text=True)
    assert 'lang="en-GB"' in english and 'lang="cy"' in welsh and welsh != english
    by_code = client.get(f"{url}?via=code").get_data(as_text=True)
    assert by_code == _fresh(app, f"{url}?via=code")
    client.get(url)
    tagged = client.get(f"{url}?ref=newsletter").get_data(as_text=True)
    assert "newsletter" in tagged and tagged == _fresh(app, f"{url}?ref=newsletter")
    assert client.get(url, headers={"Accept-Language": "cy"}).get_data(as_text=True) == _fresh(
        app, url, headers={"Accept-Language": "cy"}
    )


def test_a_signed_in_person_or_a_waiting_message_is_drawn_afresh(app, client, credential):
    """The kept page names nobody: someone signed in sees their own header, and a message waiting in the
    session is shown, whichever page was kept before."""
    url = f"/verify/{credential.code}"
    client.get(url)
    reader = make_user(Role.TRAINER, name="Morgan Kept-Apart")
    sign_in(client, reader)
    with drawings(app) as drawn:
        signed_in = client.get(url).get_data(as_text=True)
    assert drawn and "Morgan Kept-Apart" in signed_in and "Sign out" in signed_in
    other = app.test_client()
    assert "Morgan Kept-Apart" not in other.get(url).get_data(as_text=True)
    with other.session_transaction() as session:
        session["_flashes"] = [("info", "A message waiting for this visitor.")]
    assert "A message waiting for this visitor." in other.get(url).get_data(as_text=True)


def test_the_email_check_answer_is_drawn_for_the_one_who_asked(app, client, credential):
    """A POSTed email check shows its own answer, and the next plain look shows none."""
    url = f"/verify/{credential.code}"
    client.get(url)
    checked = client.post(url, data={"email": credential.holder.email}).get_data(as_text=True)
    assert "Match:" in checked
    assert "Match:" not in client.get(url).get_data(as_text=True)
