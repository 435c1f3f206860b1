"""analytics covering index

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_statement_analytics",
        "statement",
        ["store_id", "verb_id", "timestamp"],
        unique=False,
        postgresql_include=["actor_key", "object_key", "object_kind", "registration",
                            "duration_ms", "score_scaled", "success", "completion", "seq"],
        postgresql_where=sa.text("NOT voided"),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_index("ix_statement_analytics", table_name="statement")
