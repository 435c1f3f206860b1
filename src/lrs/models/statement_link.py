"""Where agents and activities appear in statements: the rows behind the `agent`, `activity`
and `related_*` filters.

Each row is written once, with its statement, in the same transaction, and deleted only with
it; so these tables carry neither a primary key nor a foreign key. Measured, those two cost
about a tenth of ingest (an index insert and a key-share lock on the statement per row). A BRIN
index on `seq` serves deletes by statement (retention, erasure) at almost no write cost.
"""

from sqlalchemy import BigInteger, Index, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from lrs.models.base import Base


class StatementAgent(Base):
    """One row per place an Agent or Group appears in a statement (`usage`: actor, object, ...)."""

    __tablename__ = "statement_agent"
    __table_args__ = (
        Index(
            "ix_statement_agent_lookup",
            "store_id",
            "agent_key",
            "seq",
            postgresql_include=["usage"],
        ),
        Index("ix_statement_agent_seq", "seq", postgresql_using="brin"),
    )

    store_id: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(BigInteger)
    agent_key: Mapped[str] = mapped_column(Text)
    usage: Mapped[str] = mapped_column(Text)
    __mapper_args__ = {"primary_key": [store_id, seq, agent_key, usage]}  # noqa: RUF012


class StatementActivity(Base):
    """One row per place an Activity appears (`usage`: object, parent, grouping, ...)."""

    __tablename__ = "statement_activity"
    __table_args__ = (
        Index(
            "ix_statement_activity_lookup",
            "store_id",
            "activity_id",
            "seq",
            postgresql_include=["usage"],
        ),
        Index("ix_statement_activity_seq", "seq", postgresql_using="brin"),
    )

    store_id: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(BigInteger)
    activity_id: Mapped[str] = mapped_column(Text)
    usage: Mapped[str] = mapped_column(Text)
    __mapper_args__ = {"primary_key": [store_id, seq, activity_id, usage]}  # noqa: RUF012
