from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Integer, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from lrs.models.base import Base


class Agent(Base):
    """An Agent seen in statements: its identifier and the latest name used with it."""

    __tablename__ = "agent"

    store_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("store.id", ondelete="CASCADE"), primary_key=True
    )
    agent_key: Mapped[str] = mapped_column(Text, primary_key=True)
    ifi: Mapped[dict[str, Any]] = mapped_column(JSONB)
    name: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
