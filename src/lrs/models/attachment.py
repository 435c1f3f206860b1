from sqlalchemy import ForeignKey, Integer, LargeBinary, Text
from sqlalchemy.orm import Mapped, mapped_column

from lrs.models.base import Base


class Attachment(Base):
    """Attachment contents, stored once per store and hash however many statements cite them."""

    __tablename__ = "attachment"

    store_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("store.id", ondelete="CASCADE"), primary_key=True
    )
    sha2: Mapped[str] = mapped_column(Text, primary_key=True)
    content_type: Mapped[str] = mapped_column(Text)
    content: Mapped[bytes] = mapped_column(LargeBinary)
