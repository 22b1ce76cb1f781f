"""The revision adding ``uq_credential_approval_id`` upgrades a database that already holds credentials."""

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.accreditation.models import Credential
from app.database import db
from tests.factories import make_credential


def test_one_credential_per_approval_upgrades_a_database_holding_credentials(make_app, tmp_path):
    app = make_app(create_schema=False)
    with app.app_context():
        upgrade()
        issued = make_credential(tmp_path)
        code, approval_id = issued.code, issued.approval_id
        db.session.remove()
        downgrade(revision="c4d8e2f1a7b3")  # the revision before it
        assert "uq_credential_approval_id" not in _unique_keys()
        upgrade()
        assert "uq_credential_approval_id" in _unique_keys()
        # The approval's own credential (its transcript, issued beside it, has no approval of its own).
        approved = sa.select(Credential.code, Credential.approval_id).where(
            Credential.approval_id.is_not(None)
        )
        assert db.session.execute(approved).all() == [(code, approval_id)]


def _unique_keys() -> set[str]:
    return {key["name"] for key in sa.inspect(db.engine).get_unique_constraints("credential")}
