"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-12-03 19:09:51.159648
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "store",
        sa.Column("id", sa.Integer(), sa.Identity(always=False), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_store")),
        sa.UniqueConstraint("name", name=op.f("uq_store_name")),
    )
    op.create_table(
        "activity",
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Text(), nullable=False),
        sa.Column("definition", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["store.id"], name=op.f("fk_activity_store_id_store"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("store_id", "activity_id", name=op.f("pk_activity")),
    )
    op.create_table(
        "agent",
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("agent_key", sa.Text(), nullable=False),
        sa.Column("ifi", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["store.id"], name=op.f("fk_agent_store_id_store"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("store_id", "agent_key", name=op.f("pk_agent")),
    )
    op.create_table(
        "credential",
        sa.Column("id", sa.Integer(), sa.Identity(always=False), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("secret_hash", sa.Text(), nullable=False),
        sa.Column("scopes", sa.ARRAY(sa.Text()), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("authority", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["store_id"],
            ["store.id"],
            name=op.f("fk_credential_store_id_store"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credential")),
        sa.UniqueConstraint("key", name=op.f("uq_credential_key")),
    )
    op.create_index(op.f("ix_credential_store_id"), "credential", ["store_id"], unique=False)
    op.create_table(
        "statement",
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("stored", sa.DateTime(timezone=True), nullable=False),
        sa.Column("timestamp", sa.DateTime(timezone=True), nullable=False),
        sa.Column("verb_id", sa.Text(), nullable=False),
        sa.Column("actor_key", sa.Text(), nullable=False),
        sa.Column("object_kind", sa.Text(), nullable=False),
        sa.Column("object_key", sa.Text(), nullable=True),
        sa.Column("registration", sa.UUID(), nullable=True),
        sa.Column("authority_key", sa.Text(), nullable=False),
        sa.Column("voided", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("voids", sa.UUID(), nullable=True),
        sa.Column("version", sa.Text(), nullable=False),
        sa.Column("payload", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("ref_keys", sa.ARRAY(sa.Text()), nullable=True),
        sa.Column("score_scaled", sa.Double(), nullable=True),
        sa.Column("success", sa.Boolean(), nullable=True),
        sa.Column("completion", sa.Boolean(), nullable=True),
        sa.Column("duration_ms", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["store_id"], ["store.id"], name=op.f("fk_statement_store_id_store"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("store_id", "seq", name=op.f("pk_statement")),
        sa.UniqueConstraint("store_id", "id", name=op.f("uq_statement_store_id_id")),
    )
    op.create_index(
        "ix_statement_store_id_object_key_refs",
        "statement",
        ["store_id", "object_key"],
        unique=False,
        postgresql_where=sa.text("object_kind = 'StatementRef'"),
    )
    op.create_index(
        "ix_statement_store_id_registration_seq",
        "statement",
        ["store_id", "registration", "seq"],
        unique=False,
    )
    op.create_index(
        "ix_statement_store_id_seq_refs",
        "statement",
        ["store_id", "seq"],
        unique=False,
        postgresql_where=sa.text("object_kind = 'StatementRef'"),
    )
    op.create_index(
        "ix_statement_store_id_stored_seq", "statement", ["store_id", "stored", "seq"], unique=False
    )
    op.create_index(
        "ix_statement_store_id_verb_id_seq",
        "statement",
        ["store_id", "verb_id", "seq"],
        unique=False,
    )
    op.create_index(
        "ix_statement_store_id_voids",
        "statement",
        ["store_id", "voids"],
        unique=False,
        postgresql_where=sa.text("voids IS NOT NULL"),
    )
    op.create_table(
        "statement_activity",
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("activity_id", sa.Text(), nullable=False),
        sa.Column("usage", sa.Text(), nullable=False),
    )
    op.create_index(
        "ix_statement_activity_lookup",
        "statement_activity",
        ["store_id", "activity_id", "seq"],
        unique=False,
        postgresql_include=["usage"],
    )
    op.create_index(
        "ix_statement_activity_seq",
        "statement_activity",
        ["seq"],
        unique=False,
        postgresql_using="brin",
    )
    op.create_table(
        "statement_agent",
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("agent_key", sa.Text(), nullable=False),
        sa.Column("usage", sa.Text(), nullable=False),
    )
    op.create_index(
        "ix_statement_agent_lookup",
        "statement_agent",
        ["store_id", "agent_key", "seq"],
        unique=False,
        postgresql_include=["usage"],
    )
    op.create_index(
        "ix_statement_agent_seq", "statement_agent", ["seq"], unique=False, postgresql_using="brin"
    )


def downgrade() -> None:
    op.drop_index(
        "ix_statement_agent_lookup", table_name="statement_agent", postgresql_include=["usage"]
    )
    op.drop_index("ix_statement_agent_seq", table_name="statement_agent", postgresql_using="brin")
    op.drop_table("statement_agent")
    op.drop_index(
        "ix_statement_activity_lookup",
        table_name="statement_activity",
        postgresql_include=["usage"],
    )
    op.drop_index(
        "ix_statement_activity_seq", table_name="statement_activity", postgresql_using="brin"
    )
    op.drop_table("statement_activity")
    op.drop_index(
        "ix_statement_store_id_voids",
        table_name="statement",
        postgresql_where=sa.text("voids IS NOT NULL"),
    )
    op.drop_index("ix_statement_store_id_verb_id_seq", table_name="statement")
    op.drop_index("ix_statement_store_id_stored_seq", table_name="statement")
    op.drop_index(
        "ix_statement_store_id_seq_refs",
        table_name="statement",
        postgresql_where=sa.text("object_kind = 'StatementRef'"),
    )
    op.drop_index("ix_statement_store_id_registration_seq", table_name="statement")
    op.drop_index(
        "ix_statement_store_id_object_key_refs",
        table_name="statement",
        postgresql_where=sa.text("object_kind = 'StatementRef'"),
    )
    op.drop_table("statement")
    op.drop_index(op.f("ix_credential_store_id"), table_name="credential")
    op.drop_table("credential")
    op.drop_table("agent")
    op.drop_table("activity")
    op.drop_table("store")
