"""attachment contents

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 20:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "attachment",
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("sha2", sa.Text(), nullable=False),
        sa.Column("content_type", sa.Text(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["store_id"],
            ["store.id"],
            name=op.f("fk_attachment_store_id_store"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("store_id", "sha2", name=op.f("pk_attachment")),
    )


def downgrade() -> None:
    op.drop_table("attachment")
