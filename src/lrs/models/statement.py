import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    DateTime,
    Double,
    ForeignKey,
    Identity,
    Index,
    Integer,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from lrs.models.base import Base


class Statement(Base):
    """A stored statement: the exact JSON plus the projections its queries and analytics use."""

    __tablename__ = "statement"
    __table_args__ = (
        UniqueConstraint("store_id", "id"),
        Index("ix_statement_store_id_verb_id_seq", "store_id", "verb_id", "seq"),
        Index("ix_statement_store_id_registration_seq", "store_id", "registration", "seq"),
        Index("ix_statement_store_id_stored_seq", "store_id", "stored", "seq"),
        # Statements whose object is a StatementRef: paged on their own by the query that lets
        # them match through their target, and found by target when the target arrives late.
        Index(
            "ix_statement_store_id_seq_refs",
            "store_id",
            "seq",
            postgresql_where=text("object_kind = 'StatementRef'"),
        ),
        Index(
            "ix_statement_store_id_object_key_refs",
            "store_id",
            "object_key",
            postgresql_where=text("object_kind = 'StatementRef'"),
        ),
        Index(
            "ix_statement_store_id_voids",
            "store_id",
            "voids",
            postgresql_where=text("voids IS NOT NULL"),
        ),
    )

    store_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("store.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(UUID)
    stored: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    timestamp: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    verb_id: Mapped[str] = mapped_column(Text)
    actor_key: Mapped[str] = mapped_column(Text)
    object_kind: Mapped[str] = mapped_column(Text)
    object_key: Mapped[str | None] = mapped_column(Text)
    registration: Mapped[uuid.UUID | None] = mapped_column(UUID)
    authority_key: Mapped[str] = mapped_column(Text)
    voided: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    voids: Mapped[uuid.UUID | None] = mapped_column(UUID)
    version: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    # For a StatementRef statement: the filter keys of the statement it targets, recursively
    # (xAPI-Communication §2.1.3, "Filter Conditions for StatementRefs"); see xapi/index.py.
    ref_keys: Mapped[list[str] | None] = mapped_column(ARRAY(Text))
    score_scaled: Mapped[float | None] = mapped_column(Double)
    success: Mapped[bool | None] = mapped_column(Boolean)
    completion: Mapped[bool | None] = mapped_column(Boolean)
    duration_ms: Mapped[int | None] = mapped_column(BigInteger)
