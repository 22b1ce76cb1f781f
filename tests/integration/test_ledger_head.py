"""The signed ledger head: deleting the last ledger events breaks no hash link, so the issuer signs the
head after every commit and `imsa ledger verify` checks the chain still reaches it."""

from __future__ import annotations

import json

import sqlalchemy as sa
from joserfc import jws

from app.accreditation import ledger, lifecycle
from app.accreditation.keys import keystore
from app.accreditation.models import LedgerEvent
from app.auth.models import Role
from app.database import db
from tests.factories import make_credential, make_user
from tests.integration.test_accreditation import _drop_append_only_triggers


def test_each_commit_signs_the_new_head_and_publishes_it(app, client, tmp_path):
    credential = make_credential(tmp_path)  # the approval's events: the award, then its transcript
    issued = ledger.signed_head()
    assert issued.sequence == 2
    lifecycle.suspend(credential, "Under review.", make_user(Role.HUB_ADMIN))
    assert ledger.signed_head() == issued  # nothing is signed before the commit
    db.session.commit()
    assert ledger.signed_head().sequence == 3
    assert ledger.signed_head().hash == ledger.events_for(credential.code)[-1].hash
    published = client.get("/ledger/head.jws")
    assert published.status_code == 200 and published.mimetype == "application/jose"
    # Anyone can check it with the published key set.
    found = jws.deserialize_compact(published.get_data(as_text=True).strip(), keystore().key_set())
    assert json.loads(found.payload)["sequence"] == 3


def test_a_rolled_back_change_signs_nothing(app, tmp_path):
    credential = make_credential(tmp_path)
    issued = ledger.signed_head()
    lifecycle.suspend(credential, "Under review.", make_user(Role.HUB_ADMIN))
    db.session.rollback()
    db.session.commit()
    assert ledger.signed_head() == issued


def test_ledger_verify_names_a_deleted_last_event(app, tmp_path):
    credential = make_credential(tmp_path)
    hub = make_user(Role.HUB_ADMIN)
    lifecycle.suspend(credential, "Under review.", hub)
    db.session.commit()
    lifecycle.reinstate(credential, "", hub)
    db.session.commit()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["ledger", "verify"]).exit_code == 0
    _drop_append_only_triggers()
    last = ledger.signed_head().sequence
    db.session.execute(sa.delete(LedgerEvent).where(LedgerEvent.sequence == last))
    db.session.commit()
    result = runner.invoke(args=["ledger", "verify"])
    assert result.exit_code == 1
    assert f"event {last}" in result.output and "deleted" in result.output


def test_ledger_verify_refuses_a_head_that_was_not_signed_by_the_issuer(app, tmp_path):
    make_credential(tmp_path)
    ledger.head_path().write_text("eyJhbGciOiJFUzI1NiJ9.eyJzZXF1ZW5jZSI6MH0.AAAA\n")
    result = app.test_cli_runner().invoke(args=["ledger", "verify"])
    assert result.exit_code == 1 and "signed ledger head does not verify" in result.output
