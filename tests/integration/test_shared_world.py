"""The test fixtures' own promises: every test starts from an empty schema, and a SharedWorld gives each
test the seeded state whatever an earlier test wrote (the tests here run in order, on one worker)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.auth.models import Role, User
from app.database import db
from app.mail.services import outbox
from tests.conftest import post_form, sign_in
from tests.factories import make_user


def _seed():
    return make_user(Role.HUB_ADMIN, email="seeded@example.org").id


@pytest.fixture(scope="module")
def shared(make_shared_world):
    return make_shared_world(_seed)


@pytest.fixture
def seeded(shared):
    with shared.use() as application:
        yield application, db.session.get(User, shared.data)


def _emails():
    return sorted(db.session.scalars(sa.select(User.email)))


@pytest.mark.parametrize("run", [1, 2])
def test_a_test_that_writes_through_requests_and_directly(seeded, run):
    app, hub = seeded
    assert _emails() == ["seeded@example.org"] and outbox() == []
    client = app.test_client()
    sign_in(client, hub)
    response = post_form(
        client, "/people/invite", {"email": f"new{run}@example.org", "name": "New Person", "roles": "trainer"}
    )
    assert response.status_code == 302 and len(outbox()) == 1
    make_user(Role.TRAINEE, email=f"direct{run}@example.org")
    hub.name = "Renamed"
    db.session.commit()
    assert f"direct{run}@example.org" in _emails()


@pytest.mark.parametrize("run", [1, 2])
def test_the_next_test_sees_only_the_seeded_world(seeded, run):
    _app, hub = seeded
    assert _emails() == ["seeded@example.org"]
    assert hub.name != "Renamed" and outbox() == []
    assert make_user(Role.TRAINEE).id == hub.id + 1  # the ids go on from the seeded rows


def test_an_ordinary_test_starts_from_an_empty_schema(app):
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
    make_user(Role.TRAINEE)


def test_and_the_one_after_it_too(app):
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
