"""Sessions that really end, single-use reset links, tokens kept out of the logs, same-site redirects and
rate limits that count right: a cookie copied before sign-out (or a password reset, a new role, "sign out
everywhere") is refused after it, whether it is the session or the remember-me cookie."""

from __future__ import annotations

import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest
from gunicorn.config import Config as GunicornConfig

from app import config as app_config
from app import create_app
from app.audit.models import AuditEvent
from app.auth import services
from app.auth.models import Role
from app.config import PROJECT_ROOT
from app.database import db
from app.mail.services import outbox
from app.web import safe_redirect_target
from tests.conftest import csrf_token, post_form, sign_in
from tests.factories import PASSWORD, make_user

LINK = re.compile(r"http://localhost(/\S+)")


def cookies_of(client) -> dict[str, str]:
    """Every cookie the client holds, as someone copying them out of the browser would."""
    return {key: cookie.value for (_domain, _path, key), cookie in client._cookies.items()}


def replay(app, cookies: dict[str, str]):
    """A new browser holding only the copied cookies."""
    other = app.test_client()
    for key, value in cookies.items():
        other.set_cookie(key, value)
    return other


def signed_in_with_remember_me(client, user):
    response = post_form(client, "/sign-in", {"email": user.email, "password": PASSWORD, "remember": "y"})
    assert response.status_code == 302
    assert client.get_cookie("remember_token") is not None


def test_a_session_cookie_copied_before_sign_out_is_refused_after_it(app, client):
    user = make_user(Role.TRAINEE)
    sign_in(client, user)
    copied = cookies_of(client)
    assert replay(app, copied).get("/account").status_code == 200  # the copy works until sign-out

    post_form(client, "/sign-out")
    assert client.get("/account").status_code == 302
    response = replay(app, copied).get("/account")
    assert response.status_code == 302 and response.location.startswith("/sign-in")
    assert [e.action for e in db.session.scalars(db.select(AuditEvent))][-1] == "auth.signed_out"


def test_a_remember_me_cookie_copied_before_sign_out_is_refused_after_it(app, client):
    user = make_user(Role.TRAINEE)
    signed_in_with_remember_me(client, user)
    remember = {"remember_token": client.get_cookie("remember_token").value}
    assert replay(app, remember).get("/account").status_code == 200  # on its own it signs in

    response = post_form(client, "/sign-out")
    assert any(c.startswith("remember_token=;") for c in response.headers.getlist("Set-Cookie"))
    assert replay(app, remember).get("/account").status_code == 302
    # and with the copied session cookie too
    assert replay(app, cookies_of(client) | remember).get("/account").status_code == 302


def test_sign_out_everywhere_ends_every_session_and_remember_me_cookie(app, client):
    user = make_user(Role.TRAINEE)
    phone, laptop = app.test_client(), app.test_client()
    signed_in_with_remember_me(phone, user)
    sign_in(laptop, user)
    phone_cookies = cookies_of(phone)
    sign_in(client, user)
    page = client.get("/account").get_data(as_text=True)
    assert 'action="/account/sign-out-everywhere"' in page

    response = post_form(client, "/account/sign-out-everywhere")
    assert response.status_code == 302
    assert "signed out on every device" in client.get(response.location, follow_redirects=True).get_data(
        as_text=True
    )
    for browser in (client, phone, laptop, replay(app, phone_cookies)):
        assert browser.get("/account").status_code == 302
    event = db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (event.action, event.actor_id, event.subject_id) == (
        "auth.signed_out_everywhere",
        user.id,
        user.public_id,
    )
    sign_in(client, user)  # and signing in again works
    assert client.get("/account").status_code == 200


def test_only_the_account_holder_signs_their_account_out_everywhere(app):
    user, someone = make_user(Role.TRAINEE), make_user(Role.HUB_ADMIN)
    with pytest.raises(services.PermissionDenied):
        services.sign_out_everywhere(user, someone)
    token = user.session_token
    services.sign_out_everywhere(user, None)  # the command line, as the server
    assert user.session_token != token


def test_a_password_reset_ends_sessions_copied_before_it(app, client):
    user = make_user(Role.TRAINEE)
    elsewhere = app.test_client()
    signed_in_with_remember_me(elsewhere, user)
    copied = cookies_of(elsewhere)
    post_form(client, "/password/forgot", {"email": user.email})
    link = LINK.search(outbox(limit=1)[0].body).group(1)
    post_form(client, link, {"password": "a brand new password", "confirm": "a brand new password"})
    assert elsewhere.get("/account").status_code == 302
    assert replay(app, copied).get("/account").status_code == 302


def test_a_new_role_ends_the_persons_sessions(app):
    trainer = make_user(Role.TRAINER)
    browser = app.test_client()
    signed_in_with_remember_me(browser, trainer)
    copied = cookies_of(browser)
    services.invite(trainer.email, trainer.name, {Role.HUB_ADMIN}, None)
    db.session.commit()
    assert browser.get("/account").status_code == 302
    assert replay(app, copied).get("/account").status_code == 302
    sign_in(browser, trainer)
    assert "Hub admin" in browser.get("/account").get_data(as_text=True)


def test_granting_roles_the_person_already_holds_keeps_their_session(app):
    trainer = make_user(Role.TRAINER)
    browser = app.test_client()
    sign_in(browser, trainer)
    services.grant_roles(trainer, {Role.TRAINER})
    db.session.commit()
    assert browser.get("/account").status_code == 200


def test_signing_in_starts_a_new_session_so_an_earlier_csrf_token_stops_working(app, client):
    user = make_user(Role.TRAINEE)
    before = csrf_token(client)
    response = client.post("/sign-in", data={"csrf_token": before, "email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    refused = client.post("/account/sign-out-everywhere", data={"csrf_token": before})
    assert refused.status_code == 400
    assert client.get("/account").status_code == 200  # nothing happened
    after = csrf_token(client)
    assert after != before
    assert client.post("/account/sign-out-everywhere", data={"csrf_token": after}).status_code == 302


def test_a_successful_reset_withdraws_every_older_reset_link(app, client):
    user = make_user(Role.TRAINEE)
    post_form(client, "/password/forgot", {"email": user.email})
    older = LINK.search(outbox(limit=1)[0].body).group(1)
    post_form(client, "/password/forgot", {"email": user.email})
    newer = LINK.search(outbox(limit=1)[0].body).group(1)
    assert older != newer and client.get(older).status_code == 200

    response = post_form(client, newer, {"password": "the newest password", "confirm": "the newest password"})
    assert response.status_code == 302

    page = client.get(older)
    assert page.status_code == 410
    assert "replaced" in page.get_data(as_text=True)
    refused = post_form(
        client, older, {"password": "an attackers password", "confirm": "an attackers password"}
    )
    assert refused.status_code == 410
    assert services.authenticate(user.email, "the newest password") is not None
    assert services.authenticate(user.email, "an attackers password") is None
    assert client.get(newer).status_code == 410
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "auth.password_reset")).one()
    assert event.details == {"links_withdrawn": 1}


def request_log(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "imsa.request"]


def test_invitation_and_reset_tokens_never_reach_the_request_log(app, client, caplog):
    admin = make_user(Role.HUB_ADMIN)
    services.invite("new.person@example.org", "New Person", {Role.TRAINER}, admin)
    db.session.commit()
    invitation = LINK.search(outbox(limit=1)[0].body).group(1)
    user = make_user(Role.TRAINEE)
    post_form(client, "/password/forgot", {"email": user.email})
    reset = LINK.search(outbox(limit=1)[0].body).group(1)
    caplog.clear()

    assert client.get(invitation).status_code == 200
    assert client.get(reset).status_code == 200
    assert client.get("/invitation/not-a-real-token").status_code == 410

    records = request_log(caplog)
    lines = [record.getMessage() for record in records]
    paths = [record.path for record in records]
    assert paths == ["/invitation/<redacted>", "/password/reset/<redacted>", "/invitation/<redacted>"]
    for token in (invitation.rsplit("/", 1)[1], reset.rsplit("/", 1)[1], "not-a-real-token"):
        assert not any(token in line for line in lines)
        assert not any(token in str(record.__dict__) for record in records)
    assert lines[0].startswith("GET /invitation/<redacted> 200")


def test_other_paths_are_logged_as_they_are(app, client, caplog):
    client.get("/verify/IMSA-0000-0000-0")
    assert [record.path for record in request_log(caplog)] == ["/verify/IMSA-0000-0000-0"]


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "http://evil.example",
        "//evil.example/",
        "///evil.example/",
        "/\\evil.example/",
        "\\\\evil.example/",
        "\\/evil.example/",
        "/\\/evil.example",
        "javascript:alert(1)",
        "data:text/html,hello",
        "evil.example",
        "/\tevil",
        "/\r\nSet-Cookie: x=1",
        "",
        None,
    ],
)
def test_redirect_targets_off_this_site_are_refused(app, target):
    with app.test_request_context():
        assert safe_redirect_target(target) == "/"


@pytest.mark.parametrize(
    "target", ["/", "/account", "/marking/?cohort=abc&status=submitted", "/learn/m01#top"]
)
def test_same_site_paths_are_kept(app, target):
    with app.test_request_context():
        assert safe_redirect_target(target) == target


def test_sign_in_with_an_absolute_next_stays_on_site(client):
    user = make_user(Role.TRAINEE)
    response = post_form(
        client, "/sign-in?next=https://evil.example/", {"email": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302 and response.location == "/"


def test_allocating_with_an_absolute_back_stays_on_site(app, client, tmp_path):
    from app.learning import assignments
    from tests.factories import make_assessed_version, make_cohort, make_enrolment

    version = make_assessed_version(tmp_path)
    marker = make_user(Role.TRAINER, name="Ash Marker")
    enrolment = make_enrolment(make_cohort(version, trainers=[marker]), make_user(Role.TRAINEE))
    piece = assignments.current_submission(enrolment, version.modules[0].assignment, enrolment.user)
    assignments.submit(piece, "My written work.", piece.revision, True, enrolment.user)
    db.session.commit()
    sign_in(client, make_user(Role.HUB_ADMIN))
    url = f"/marking/pieces/{piece.public_id}/allocate"
    for back in ("https://evil.example/", "//evil.example/", "/\\evil.example/"):
        response = post_form(client, url, {"marker": marker.public_id, "back": back})
        assert response.status_code == 302
        assert response.location == "/marking/", back
    kept = post_form(client, url, {"marker": marker.public_id, "back": f"/marking/pieces/{piece.public_id}"})
    assert kept.location == f"/marking/pieces/{piece.public_id}"


@pytest.mark.parametrize(
    "download", ["credential.jwt", "credential.json", "credential.jsonld", "certificate.pdf"]
)
def test_downloads_by_code_are_rate_limited_like_lookups(make_app, download):
    app = make_app(IMSA_VERIFY_LIMIT="3 per minute", RATELIMIT_ENABLED=True)
    with app.app_context():
        client = app.test_client()
        statuses = [client.get(f"/verify/IMSA-0000-0000-0/{download}").status_code for _ in range(4)]
        db.session.remove()
    assert statuses == [404, 404, 404, 429]


class _Gunicorn:
    """Stands in for gunicorn's arbiter or worker: it holds the settings and calls the app factory."""

    def __init__(self, workers: int) -> None:
        self.cfg = GunicornConfig()
        self.cfg.set("workers", workers)

    def load(self, config):
        return create_app(config)


def _config(database_url: str, **overrides) -> app_config.TestConfig:
    config = app_config.TestConfig(database_url)
    config.RATELIMIT_ENABLED = True
    for key, value in overrides.items():
        setattr(config, key, value)
    return config


def test_the_app_refuses_to_start_under_several_gunicorn_workers_with_memory_limits(database_url):
    with pytest.raises(RuntimeError, match="IMSA_RATELIMIT_STORAGE_URL") as refused:
        _Gunicorn(workers=3).load(_config(database_url))
    assert "3 worker processes" in str(refused.value)


def test_the_app_starts_under_gunicorn_with_one_worker_a_shared_store_or_no_limits(database_url):
    assert _Gunicorn(workers=1).load(_config(database_url)) is not None
    assert _Gunicorn(workers=4).load(_config(database_url, RATELIMIT_ENABLED=False)) is not None
    shared = _config(database_url, RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0")
    assert _Gunicorn(workers=4).load(shared) is not None  # the store is only reached on a limited request
    assert create_app(_config(database_url)) is not None  # not under gunicorn at all


def test_real_gunicorn_with_two_workers_and_the_memory_store_exits_naming_the_setting(tmp_path):
    env = {
        "PATH": str(Path(sys.executable).parent),
        "HOME": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'gunicorn.sqlite3'}",
        "IMSA_SECRET_KEY": "test-secret-key-not-for-production",
        "IMSA_SIGNING_KEY_DIR": str(tmp_path / "keys"),
        "IMSA_LOG_JSON": "0",
    }
    gunicorn = Path(sys.executable).parent / "gunicorn"
    finished = subprocess.run(
        [
            str(gunicorn),
            "--workers",
            "2",
            "--bind",
            "127.0.0.1:0",
            "--chdir",
            str(PROJECT_ROOT),
            "app:create_app()",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.returncode != 0
    assert "IMSA_RATELIMIT_STORAGE_URL" in finished.stderr + finished.stdout
