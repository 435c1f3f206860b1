from datetime import datetime

from sqlalchemy import DateTime, Identity, Integer, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from lrs.models.base import Base


class Store(Base):
    """A tenant: an LRS of its own, with its own credentials and data."""

    __tablename__ = "store"

    id: Mapped[int] = mapped_column(Integer, Identity(), primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
