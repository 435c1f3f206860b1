"""State, Activity Profile and Agent Profile documents: one table, one service, one set of
concurrency rules (xAPI-Communication §2.2, §3.1).

The vocabulary the three layers share is defined here: what kind of document, who owns it
(an Activity, an Agent, or both with an optional registration) and which one it is.
"""

import enum
from dataclasses import dataclass
from datetime import datetime


class Kind(enum.Enum):
    STATE = "state"
    ACTIVITY_PROFILE = "activity_profile"
    AGENT_PROFILE = "agent_profile"

    @property
    def label(self) -> str:
        """The resource's name in the specification, for messages."""
        return self.value.replace("_", " ").title()


@dataclass(frozen=True, slots=True)
class Owner:
    """The documents of one store that one request addresses, short of their ids.

    For one document `registration=None` means "stored without a registration"; for a list
    or a delete of all States it means "whatever the registration" (§2.3).
    """

    store_id: int
    kind: Kind
    activity_id: str | None = None
    agent_key: str | None = None
    registration: str | None = None


@dataclass(frozen=True, slots=True)
class Ref:
    """One document: its owner and its id (`stateId` or `profileId`)."""

    owner: Owner
    doc_id: str


@dataclass(frozen=True, slots=True)
class Document:
    """A stored document as GET answers it."""

    id: int
    content: bytes
    content_type: str
    etag: str
    updated_at: datetime
