"""The audit trail is a record: append-only in the database, readable and exportable by the Hub."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.audit.services import record
from app.auth.models import Role
from app.database import db
from tests.conftest import sign_in
from tests.factories import make_organisation, make_user


@pytest.fixture
def events(app):
    hub = make_user(Role.HUB_ADMIN, name="Hana Fictional-Hub", email="hana@example.org")
    trainer = make_user(Role.TRAINER, name="Tomas Fictional-Trainer", email="tomas@example.org")
    organisation = make_organisation()
    record(hub, "organisation.created", organisation, name=organisation.name)
    record(trainer, "marking.allocated", organisation, marker="someone")
    record(None, "=cmd|' /C calc'!A0", organisation)  # a formula-like action must not run in a spreadsheet
    db.session.commit()
    return hub, trainer, organisation


def test_the_database_refuses_to_edit_or_delete_audit_events(events):
    """Append-only in the database itself, on SQLite and PostgreSQL: UPDATE and DELETE are refused."""
    count = sa.select(sa.func.count()).select_from(AuditEvent)
    before = db.session.scalar(count)
    for statement in (sa.update(AuditEvent).values(action="nothing.happened"), sa.delete(AuditEvent)):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            db.session.execute(statement)
        db.session.rollback()
    assert db.session.scalar(count) == before >= 3


def test_the_hub_filters_events_by_who_what_and_record(client, events):
    hub, _, organisation = events
    sign_in(client, hub)
    page = client.get("/audit?who=tomas").get_data(as_text=True)
    assert "<code>marking.allocated</code>" in page and "<code>organisation.created</code>" not in page
    assert "Tomas Fictional-Trainer (tomas@example.org)" in page
    page = client.get("/audit?action=organisation.").get_data(as_text=True)
    assert "<code>organisation.created</code>" in page and "<code>marking.allocated</code>" not in page
    page = client.get(f"/audit?subject={organisation.public_id}&action=marking.").get_data(as_text=True)
    assert "1 event " in page
    page = client.get("/audit?who=cli").get_data(as_text=True)
    assert "Command line" in page and "<code>marking.allocated</code>" not in page
    assert "No events match" in client.get("/audit?date_to=2000-01-01").get_data(as_text=True)


def test_a_date_that_is_not_real_is_named_next_to_its_field(client, events):
    sign_in(client, events[0])
    response = client.get("/audit?date_from=2026-02-30")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="date_from-error"' in page and "Enter a real date" in page


def test_the_csv_export_has_every_matching_event_and_is_safe_in_a_spreadsheet(client, events):
    sign_in(client, events[0])
    response = client.get("/audit?format=csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:4] == ["id", "occurred_at_utc", "actor", "action"]
    actions = [r[3] for r in rows[1:]]  # oldest first; signing in is recorded too
    wanted = ["organisation.created", "marking.allocated", "'=cmd|' /C calc'!A0"]
    assert [a for a in actions if a in wanted][-3:] == wanted


def test_only_hub_admins_read_the_audit_trail(client, events):
    sign_in(client, events[1])
    assert client.get("/audit").status_code == 403
