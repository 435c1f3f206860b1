"""What the analytics layer reads through: its covering index, its event projection, and
per-store verb sets.

Every signal selects statements by store and verb set within a `timestamp` window, and reads
only projected columns unless a cohort dimension asks for the payload: this covering index
turns those reads into index-only scans. It is partial on `NOT voided`, so voiding removes a
statement from it in the same transaction — nothing can serve a voided statement's numbers.
"""

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
    Index,
    Integer,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from lrs.models.base import Base
from lrs.models.statement import Statement

# What the signals that read statements take from them (those that read `analytics_event` need
# neither registration, duration nor completion here).
ANALYTICS_INCLUDE = ["actor_key", "object_key", "object_kind", "score_scaled", "success", "seq"]

statement_analytics = Index(
    "ix_statement_analytics",
    Statement.store_id,
    Statement.verb_id,
    Statement.timestamp,
    postgresql_include=ANALYTICS_INCLUDE,
    postgresql_where=text("NOT voided"),
)


class AnalyticsEvent(Base):
    """One row per statement that is not voided, written with it, deleted when it is voided
    or deleted: the narrow rows the whole-window signals aggregate (learning hours, completion
    rate, unrequested deployments, proficiency events). Keys are 64-bit hashes
    (`hashtextextended(key, 0)`) of the verb IRI, the actor's agent key, the object's key and
    the first parent and grouping activity IRIs; the rescaled score and the context extensions
    are kept, so a year of events is read, grouped and cut by extension cohorts without a
    statement row, a text key or a payload: ~200 bytes a row (in the benchmark, with one
    extension) against ~2 kB for the statement. Texts and cohort values are read back from the
    statement (`seq`) for the rows of a result only.

    Like the link tables it has neither a primary nor a foreign key (statement_link.py)."""

    __tablename__ = "analytics_event"
    __table_args__ = (
        Index("ix_analytics_event_verb", "store_id", "verb_h", "timestamp"),
        # `result.completion = true` counts as a completion whatever the verb.
        Index(
            "ix_analytics_event_completed",
            "store_id",
            "timestamp",
            postgresql_where=text("completion"),
        ),
        Index("ix_analytics_event_seq", "seq", postgresql_using="brin"),
    )

    store_id: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(BigInteger)
    timestamp: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    verb_h: Mapped[int] = mapped_column(BigInteger)
    actor_h: Mapped[int] = mapped_column(BigInteger)
    object_kind: Mapped[str] = mapped_column(Text)
    object_h: Mapped[int | None] = mapped_column(BigInteger)
    parent_h: Mapped[int | None] = mapped_column(BigInteger)
    grouping_h: Mapped[int | None] = mapped_column(BigInteger)
    registration: Mapped[uuid.UUID | None] = mapped_column(UUID)
    duration_ms: Mapped[int | None] = mapped_column(BigInteger)
    score_scaled: Mapped[float | None] = mapped_column(Double)
    # (raw - min) / (max - min) of result.score (analytics/queries/common.py `rescaled`).
    score_rescaled: Mapped[float | None] = mapped_column(Double)
    success: Mapped[bool | None] = mapped_column(Boolean)
    completion: Mapped[bool | None] = mapped_column(Boolean)
    # context.extensions, for cohorts on them (analytics/queries/common.py `cohort_source`).
    extensions: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    __mapper_args__ = {"primary_key": [store_id, seq]}  # noqa: RUF012


class VerbSet(Base):
    """A store's replacement for one default verb set of the analytics layer (METRICS.md §1.7):
    the store's data speaks its own vocabulary, so every signal of that store uses it."""

    __tablename__ = "analytics_verb_set"

    store_id: Mapped[int] = mapped_column(
        ForeignKey("store.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(Text, primary_key=True)
    verbs: Mapped[list[str]] = mapped_column(ARRAY(Text))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
