from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.database import UTCDateTime, db, new_public_id, str_enum, utcnow
from app.i18n import N_


class OrganisationKind(enum.StrEnum):
    NGO = "ngo"
    LOCAL_AUTHORITY = "local_authority"
    FAITH_GROUP = "faith_group"
    COMMUNITY_GROUP = "community_group"
    OTHER = "other"

    @property
    def label(self) -> str:
        """In English (as reports' CSV exports keep it); pages show ``_(label)``."""
        return {
            "ngo": N_("NGO"),
            "local_authority": N_("Local authority"),
            "faith_group": N_("Faith group"),
            "community_group": N_("Community group"),
            "other": N_("Other"),
        }[self.value]


class Nation(enum.StrEnum):
    ENGLAND = "england"
    SCOTLAND = "scotland"
    WALES = "wales"
    NORTHERN_IRELAND = "northern_ireland"

    @property
    def label(self) -> str:
        """In English (as the CSV import reads it and reports' exports keep it); pages show ``_(label)``."""
        return {
            "england": N_("England"),
            "scotland": N_("Scotland"),
            "wales": N_("Wales"),
            "northern_ireland": N_("Northern Ireland"),
        }[self.value]


class Organisation(db.Model):
    """A host organisation that employs IMSAs."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(16), unique=True, default=new_public_id)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    kind: Mapped[OrganisationKind] = mapped_column(str_enum(OrganisationKind))
    nation: Mapped[Nation] = mapped_column(str_enum(Nation))
    region: Mapped[str | None] = mapped_column(sa.String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
