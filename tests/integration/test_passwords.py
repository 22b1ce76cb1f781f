"""Password hashing parameters come from the config: the production ones by default (with a safe floor), the
tests' cheap ones from TestConfig, and one real sign-in with the production parameters."""

from __future__ import annotations

import pytest

from app import config as settings
from app.auth import services
from app.auth.models import Role
from app.config import ARGON2_DEFAULTS, Config
from app.database import db
from tests.conftest import post_form
from tests.factories import PASSWORD, make_user

PRODUCTION = {
    "IMSA_ARGON2_TIME_COST": ARGON2_DEFAULTS["time_cost"],
    "IMSA_ARGON2_MEMORY_COST": ARGON2_DEFAULTS["memory_cost"],
    "IMSA_ARGON2_PARALLELISM": ARGON2_DEFAULTS["parallelism"],
}


def test_production_defaults_are_argon2_cffis(monkeypatch):
    for name in PRODUCTION:
        monkeypatch.delenv(name, raising=False)
    config = Config()
    assert {name: getattr(config, name) for name in PRODUCTION} == {
        "IMSA_ARGON2_TIME_COST": 3,
        "IMSA_ARGON2_MEMORY_COST": 65536,
        "IMSA_ARGON2_PARALLELISM": 4,
    }


def test_a_deployment_may_raise_the_cost_but_not_lower_it_below_the_minimum(monkeypatch):
    monkeypatch.setenv("IMSA_ARGON2_TIME_COST", "4")
    monkeypatch.setenv("IMSA_ARGON2_MEMORY_COST", "131072")
    config = Config()
    assert (config.IMSA_ARGON2_TIME_COST, config.IMSA_ARGON2_MEMORY_COST) == (4, 131072)
    monkeypatch.setenv("IMSA_ARGON2_MEMORY_COST", "8")
    with pytest.raises(ValueError, match="IMSA_ARGON2_MEMORY_COST must be at least 19456"):
        Config()
    monkeypatch.setenv("IMSA_ARGON2_MEMORY_COST", "65536")
    monkeypatch.setenv("IMSA_ARGON2_TIME_COST", "1")
    with pytest.raises(ValueError, match="IMSA_ARGON2_TIME_COST must be at least 2"):
        Config()


def test_the_tests_hash_cheaply(app):
    config = settings.TestConfig("sqlite://")
    assert (config.IMSA_ARGON2_TIME_COST, config.IMSA_ARGON2_MEMORY_COST, config.IMSA_ARGON2_PARALLELISM) == (
        1,
        8,
        1,
    )
    user = make_user(Role.TRAINEE)
    services.set_password(user, "another long password")
    assert user.password_hash.startswith("$argon2id$v=19$m=8,t=1,p=1$")


def test_signing_in_with_the_production_parameters_rehashes_a_cheaper_hash(make_app):
    """The real path: the sign-in form, argon2 with the production parameters, and a rehash of the
    factories' cheap hash to the configured parameters."""
    app = make_app(**PRODUCTION)
    with app.app_context():
        user = make_user(Role.TRAINEE)
        assert user.password_hash.startswith("$argon2id$v=19$m=8,t=1,p=1$")
        client = app.test_client()
        wrong = post_form(client, "/sign-in", {"email": user.email, "password": "not the password"})
        assert wrong.status_code == 200
        unknown = post_form(client, "/sign-in", {"email": "nobody@example.org", "password": PASSWORD})
        assert unknown.status_code == 200
        response = post_form(client, "/sign-in", {"email": user.email, "password": PASSWORD})
        assert response.status_code == 302
        assert client.get("/account").status_code == 200
        db.session.refresh(user)
        assert user.password_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
        services.set_password(user, "a brand new long password")
        assert user.password_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
        db.session.commit()
        assert services.authenticate(user.email, "a brand new long password") is user
