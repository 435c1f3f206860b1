"""analytics_event: the narrow projection of each statement that is not voided; the covering
index of the statements keeps only what the signals still read from it

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_INCLUDED = ["actor_key", "object_key", "object_kind", "score_scaled", "success", "seq"]
_INCLUDED_BEFORE = ["actor_key", "object_key", "object_kind", "registration", "duration_ms",
                    "score_scaled", "success", "completion", "seq"]  # fmt: skip


def _covering_index(include: list[str]) -> None:
    op.drop_index("ix_statement_analytics", table_name="statement")
    op.create_index("ix_statement_analytics", "statement", ["store_id", "verb_id", "timestamp"],
                    postgresql_include=include, postgresql_where=sa.text("NOT voided"))  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "analytics_event",
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("timestamp", sa.DateTime(timezone=True), nullable=False),
        sa.Column("verb_h", sa.BigInteger(), nullable=False),
        sa.Column("actor_h", sa.BigInteger(), nullable=False),
        sa.Column("object_kind", sa.Text(), nullable=False),
        sa.Column("object_h", sa.BigInteger(), nullable=True),
        sa.Column("parent_h", sa.BigInteger(), nullable=True),
        sa.Column("grouping_h", sa.BigInteger(), nullable=True),
        sa.Column("registration", postgresql.UUID(), nullable=True),
        sa.Column("duration_ms", sa.BigInteger(), nullable=True),
        sa.Column("score_scaled", sa.Double(), nullable=True),
        sa.Column("score_rescaled", sa.Double(), nullable=True),
        sa.Column("success", sa.Boolean(), nullable=True),
        sa.Column("completion", sa.Boolean(), nullable=True),
        sa.Column("extensions", postgresql.JSONB(), nullable=True),
    )
    # Existing statements first, indexes after: one sort per index instead of a million inserts.
    op.execute("""
        INSERT INTO analytics_event
        SELECT store_id, seq, timestamp, hashtextextended(verb_id, 0),
               hashtextextended(actor_key, 0), object_kind, hashtextextended(object_key, 0),
               hashtextextended(payload #>> '{context,contextActivities,parent,0,id}', 0),
               hashtextextended(payload #>> '{context,contextActivities,grouping,0,id}', 0),
               registration, duration_ms, score_scaled,
               CASE WHEN jsonb_typeof(payload #> '{result,score,raw}') = 'number'
                     AND jsonb_typeof(payload #> '{result,score,min}') = 'number'
                     AND jsonb_typeof(payload #> '{result,score,max}') = 'number'
                     AND CAST(payload #>> '{result,score,max}' AS double precision)
                         > CAST(payload #>> '{result,score,min}' AS double precision)
                    THEN (CAST(payload #>> '{result,score,raw}' AS double precision)
                          - CAST(payload #>> '{result,score,min}' AS double precision))
                         / (CAST(payload #>> '{result,score,max}' AS double precision)
                            - CAST(payload #>> '{result,score,min}' AS double precision))
               END,
               success, completion, payload -> 'context' -> 'extensions'
        FROM statement WHERE NOT voided ORDER BY store_id, seq
    """)
    op.create_index("ix_analytics_event_verb", "analytics_event",
                    ["store_id", "verb_h", "timestamp"])  # fmt: skip
    op.create_index("ix_analytics_event_completed", "analytics_event", ["store_id", "timestamp"],
                    postgresql_where=sa.text("completion"))  # fmt: skip
    op.create_index("ix_analytics_event_seq", "analytics_event", ["seq"],
                    postgresql_using="brin")  # fmt: skip
    _covering_index(_INCLUDED)


def downgrade() -> None:
    _covering_index(_INCLUDED_BEFORE)
    op.drop_table("analytics_event")
