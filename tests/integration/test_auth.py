"""Accounts: invitations, sign-in (and its rate limit), password reset, CSRF, cookies and headers."""

from __future__ import annotations

import re
from datetime import timedelta

from app.auth import services
from app.auth.models import Invitation, Role
from app.database import db, utcnow
from app.mail.services import outbox
from tests.conftest import csrf_token, post_form, sign_in
from tests.factories import PASSWORD, make_user

LINK = re.compile(r"http://localhost(/\S+)")


def _invite(email="new.person@example.org", roles=frozenset({Role.TRAINER})):
    admin = make_user(Role.HUB_ADMIN)
    user = services.invite(email, "New Person", set(roles), admin)
    db.session.commit()
    return user, LINK.search(outbox(limit=1)[0].body).group(1)


def test_an_invitation_lets_the_person_choose_a_password_and_sign_in(client):
    user, link = _invite()
    assert not user.is_active
    page = client.get(link)
    assert page.status_code == 200 and "new.person@example.org" in page.get_data(as_text=True)
    response = post_form(
        client,
        link,
        {"name": "New Person", "password": "correct horse battery", "confirm": "correct horse battery"},
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.is_active and user.password_hash.startswith("$argon2")
    assert services.authenticate("NEW.person@example.org ", "correct horse battery") == user


def test_an_invitation_works_only_once(client):
    _, link = _invite()
    post_form(
        client, link, {"name": "A", "password": "correct horse battery", "confirm": "correct horse battery"}
    )
    again = client.get(link)
    assert again.status_code == 410
    assert "already been used" in again.get_data(as_text=True)


def test_an_expired_invitation_is_refused_with_a_clear_message(client):
    user, link = _invite()
    invitation = db.session.scalar(db.select(Invitation).where(Invitation.user_id == user.id))
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = post_form(
        client, link, {"name": "A", "password": "correct horse battery", "confirm": "correct horse battery"}
    )
    assert response.status_code == 410
    assert "expired" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert not user.is_active


def test_inviting_again_replaces_the_old_link(client):
    _, first = _invite()
    _, second = _invite(roles={Role.TRAINER})
    assert client.get(first).status_code == 410
    assert client.get(second).status_code == 200


def test_a_too_short_password_is_refused_and_the_name_is_kept(client):
    _, link = _invite()
    page = post_form(client, link, {"name": "Kept Name", "password": "short", "confirm": "short"})
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "There is a problem" in body and "at least 12 characters" in body
    assert 'value="Kept Name"' in body


def test_sign_in_with_a_wrong_password_says_so_and_keeps_the_email(client):
    user = make_user(Role.TRAINEE)
    page = post_form(client, "/sign-in", {"email": user.email, "password": "wrong password!"})
    body = page.get_data(as_text=True)
    assert "Enter a correct email address and password" in body
    assert f'value="{user.email}"' in body


def test_sign_in_is_rate_limited_with_a_clear_message(make_app):
    app = make_app(RATELIMIT_ENABLED=True, IMSA_SIGN_IN_LIMIT="3 per minute")
    client = app.test_client()
    with app.app_context():
        user = make_user(Role.TRAINEE)
        email = user.email
    for _ in range(3):
        assert (
            post_form(client, "/sign-in", {"email": email, "password": "wrong password!"}).status_code == 200
        )
    limited = post_form(client, "/sign-in", {"email": email, "password": PASSWORD})
    assert limited.status_code == 429
    assert "tried to sign in too many times" in limited.get_data(as_text=True)
    assert client.get("/").status_code == 302  # and the correct password did not sign them in


def test_remember_me_is_off_by_default_and_cookies_are_httponly(client):
    user = make_user(Role.TRAINEE)
    page = client.get("/sign-in").get_data(as_text=True)
    assert re.search(r'id="remember"[^>]*>', page) and "checked" not in re.search(
        r'id="remember"[^>]*>', page
    ).group(0)
    response = post_form(client, "/sign-in", {"email": user.email, "password": PASSWORD})
    cookies = response.headers.getlist("Set-Cookie")
    assert not any(c.startswith("remember_token") for c in cookies)
    session_cookie = next(c for c in cookies if c.startswith("session="))
    assert (
        "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie and "Secure" not in session_cookie
    )


def test_cookies_are_secure_over_https(client):
    user = make_user(Role.TRAINEE)
    token_page = client.get("/sign-in", base_url="https://localhost")
    token = re.search(r'name="csrf-token" content="([^"]+)"', token_page.get_data(as_text=True)).group(1)
    response = client.post(
        "/sign-in",
        base_url="https://localhost",
        headers={"Referer": "https://localhost/sign-in"},
        data={"csrf_token": token, "email": user.email, "password": PASSWORD},
    )
    assert "Secure" in next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_forms_without_a_csrf_token_are_refused_and_change_nothing(client):
    user = make_user(Role.TRAINEE)
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "nothing was saved" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_pages_carry_security_headers_and_no_inline_script(client):
    response = client.get("/sign-in")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert not re.search(r"<script(?![^>]*\bsrc=)", response.get_data(as_text=True))


def test_a_views_own_headers_are_kept_and_each_default_is_sent_once(app, client):
    """The defaults fill in what a view left unset, whatever the case of its header names, and never
    overwrite or repeat what it chose (a status list's public Cache-Control, a download's own policy)."""

    @app.route("/test-own-headers")
    def own_headers():
        return "<p>Kept</p>", {"cache-control": "private, max-age=5", "X-Frame-Options": "SAMEORIGIN"}

    response = client.get("/test-own-headers")
    assert response.headers.getlist("Cache-Control") == ["private, max-age=5"]
    assert response.headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    assert response.headers.getlist("Referrer-Policy") == ["same-origin"]
    assert client.get("/sign-in").headers.getlist("Cache-Control") == ["no-store"]


def test_a_visitor_without_a_session_gets_no_cookie_and_a_signed_in_one_keeps_theirs(client):
    """No session cookie is set on a page that stores nothing; a page that reads the session still says
    so in Vary, and a signed-in person's session still reaches the page."""
    public = client.get("/verify/not-a-code")  # the result page keeps no session (no form token)
    assert public.status_code == 404 and "Set-Cookie" not in public.headers
    user = make_user(Role.TRAINER, name="Robin Sessionkeeper")
    sign_in(client, user)
    assert "Robin Sessionkeeper" in client.get("/verify").get_data(as_text=True)
    assert "Cookie" in client.get("/verify").headers.get("Vary", "")


def test_password_reset_changes_the_password_once(client):
    user = make_user(Role.TRAINEE)
    post_form(client, "/password/forgot", {"email": user.email})
    link = LINK.search(outbox(limit=1)[0].body).group(1)
    response = post_form(
        client, link, {"password": "a brand new password", "confirm": "a brand new password"}
    )
    assert response.status_code == 302
    assert services.authenticate(user.email, "a brand new password") is not None
    assert services.authenticate(user.email, PASSWORD) is None
    assert client.get(link).status_code == 410


def test_password_reset_signs_out_other_sessions(app):
    user = make_user(Role.TRAINEE)
    elsewhere = app.test_client()
    sign_in(elsewhere, user)
    assert elsewhere.get("/account").status_code == 200
    services.set_password(user, "a brand new password")
    db.session.commit()
    assert elsewhere.get("/account").status_code == 302


def test_password_reset_for_an_unknown_email_reveals_nothing(client):
    response = post_form(client, "/password/forgot", {"email": "nobody@example.org"})
    assert "If <strong>nobody@example.org</strong> belongs to an IMSA® training account" in response.get_data(
        as_text=True
    )
    assert outbox() == []


def test_an_expired_reset_link_is_refused(client):
    user = make_user(Role.TRAINEE)
    post_form(client, "/password/forgot", {"email": user.email})
    link = LINK.search(outbox(limit=1)[0].body).group(1)
    from app.auth.models import PasswordReset

    reset = db.session.scalar(db.select(PasswordReset))
    reset.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get(link).status_code == 410


def test_sign_in_never_redirects_to_another_site(client):
    user = make_user(Role.TRAINEE)
    client.get("/sign-in")
    response = post_form(client, "/sign-in?next=//evil.example/", {"email": user.email, "password": PASSWORD})
    assert response.location == "/"


def test_emailed_links_use_the_configured_base_url_not_the_host_header(client):
    user = make_user(Role.TRAINEE)
    forged = {"base_url": "http://evil.example"}
    token = csrf_token(client, **forged)
    client.post("/password/forgot", data={"csrf_token": token, "email": user.email}, **forged)
    body = outbox(limit=1)[0].body
    assert "evil.example" not in body
    assert "http://localhost/password/reset/" in body


def test_one_persons_failed_sign_ins_do_not_lock_out_others_at_the_same_address(make_app):
    app = make_app(RATELIMIT_ENABLED=True, IMSA_SIGN_IN_LIMIT="2 per minute")
    client = app.test_client()
    with app.app_context():
        typist, colleague = make_user(Role.TRAINEE), make_user(Role.TRAINEE)
        emails = typist.email, colleague.email
    for _ in range(3):
        post_form(client, "/sign-in", {"email": emails[0], "password": "wrong password!"})
    assert post_form(client, "/sign-in", {"email": emails[1], "password": PASSWORD}).status_code == 302


def test_successful_sign_ins_do_not_count_towards_the_limit(make_app):
    app = make_app(RATELIMIT_ENABLED=True, IMSA_SIGN_IN_LIMIT="2 per minute")
    client = app.test_client()
    with app.app_context():
        email = make_user(Role.TRAINEE).email
    for _ in range(4):
        assert post_form(client, "/sign-in", {"email": email, "password": PASSWORD}).status_code == 302
        post_form(client, "/sign-out")
