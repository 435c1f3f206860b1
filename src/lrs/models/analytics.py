"""What the analytics layer reads through: its covering index, and per-store verb sets.

Every signal selects statements by store and verb set within a `timestamp` window, and reads
only projected columns unless a cohort dimension asks for the payload: this covering index
turns those reads into index-only scans. It is partial on `NOT voided`, so voiding removes a
statement from it in the same transaction — nothing can serve a voided statement's numbers.
"""

from datetime import datetime

from sqlalchemy import ARRAY, DateTime, ForeignKey, Index, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column

from lrs.models.base import Base
from lrs.models.statement import Statement

ANALYTICS_INCLUDE = ["actor_key", "object_key", "object_kind", "registration", "duration_ms",
                     "score_scaled", "success", "completion", "seq"]  # fmt: skip

statement_analytics = Index(
    "ix_statement_analytics",
    Statement.store_id,
    Statement.verb_id,
    Statement.timestamp,
    postgresql_include=ANALYTICS_INCLUDE,
    postgresql_where=text("NOT voided"),
)


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
