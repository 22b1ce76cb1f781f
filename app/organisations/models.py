from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.database import UTCDateTime, db, new_public_id, str_enum, utcnow


class OrganisationKind(enum.StrEnum):
    NGO = "ngo"
    LOCAL_AUTHORITY = "local_authority"
    FAITH_GROUP = "faith_group"
    COMMUNITY_GROUP = "community_group"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "ngo": "NGO",
            "local_authority": "Local authority",
            "faith_group": "Faith group",
            "community_group": "Community group",
            "other": "Other",
        }[self.value]


class Nation(enum.StrEnum):
    ENGLAND = "england"
    SCOTLAND = "scotland"
    WALES = "wales"
    NORTHERN_IRELAND = "northern_ireland"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").title()


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
