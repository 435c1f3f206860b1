import uuid
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    LargeBinary,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from lrs.models.base import Base

DOCUMENT_KINDS = ("state", "activity_profile", "agent_profile")


class Document(Base):
    """A State, Activity Profile or Agent Profile document (xAPI-Communication §2.2-2.7).

    `activity_id`, `agent_key` and `registration` are NULL where the kind has no such key:
    an Activity Profile has no agent, an Agent Profile no activity, only States registrations.
    """

    __tablename__ = "document"
    __table_args__ = (
        CheckConstraint(f"kind IN {DOCUMENT_KINDS!r}", name="kind"),
        # One document per key; NULLS NOT DISTINCT (PostgreSQL 15+) so that a missing
        # registration, activity or agent is a key value like any other. The key's prefixes
        # also serve the listing of ids.
        Index(
            "uq_document_key",
            "store_id",
            "kind",
            "activity_id",
            "agent_key",
            "registration",
            "doc_id",
            unique=True,
            postgresql_nulls_not_distinct=True,
        ),
    )

    store_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("store.id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    kind: Mapped[str] = mapped_column(Text)
    activity_id: Mapped[str | None] = mapped_column(Text)
    agent_key: Mapped[str | None] = mapped_column(Text)
    registration: Mapped[uuid.UUID | None] = mapped_column(UUID)
    doc_id: Mapped[str] = mapped_column(Text)
    content_type: Mapped[str] = mapped_column(Text)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    # The quoted SHA-1 hex digest of `content`, as the ETag header carries it.
    etag: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
