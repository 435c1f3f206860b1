from sqlalchemy import BigInteger, ForeignKeyConstraint, Index, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from lrs.models.base import Base


class StatementAgent(Base):
    """One row per place an Agent or Group appears in a statement (`usage`: actor, object, ...)."""

    __tablename__ = "statement_agent"
    __table_args__ = (
        ForeignKeyConstraint(
            ["store_id", "seq"], ["statement.store_id", "statement.seq"], ondelete="CASCADE"
        ),
        Index(
            "ix_statement_agent_lookup",
            "store_id",
            "agent_key",
            "seq",
            postgresql_include=["usage"],
        ),
    )

    store_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    agent_key: Mapped[str] = mapped_column(Text, primary_key=True)
    usage: Mapped[str] = mapped_column(Text, primary_key=True)


class StatementActivity(Base):
    """One row per place an Activity appears (`usage`: object, parent, grouping, ...)."""

    __tablename__ = "statement_activity"
    __table_args__ = (
        ForeignKeyConstraint(
            ["store_id", "seq"], ["statement.store_id", "statement.seq"], ondelete="CASCADE"
        ),
        Index(
            "ix_statement_activity_lookup",
            "store_id",
            "activity_id",
            "seq",
            postgresql_include=["usage"],
        ),
    )

    store_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    activity_id: Mapped[str] = mapped_column(Text, primary_key=True)
    usage: Mapped[str] = mapped_column(Text, primary_key=True)
