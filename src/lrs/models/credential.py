from datetime import datetime
from typing import Any

from sqlalchemy import ARRAY, DateTime, ForeignKey, Identity, Integer, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from lrs.models.base import Base


class Credential(Base):
    """An HTTP Basic key/secret pair with its xAPI scopes; the secret is stored hashed."""

    __tablename__ = "credential"

    id: Mapped[int] = mapped_column(Integer, Identity(), primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(Text, unique=True)
    secret_hash: Mapped[str] = mapped_column(Text)
    scopes: Mapped[list[str]] = mapped_column(ARRAY(Text))
    label: Mapped[str] = mapped_column(Text, default="")
    # The Agent the LRS writes as `authority` on statements stored with this credential.
    authority: Mapped[dict[str, Any]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
