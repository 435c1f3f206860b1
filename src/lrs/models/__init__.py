"""SQLAlchemy tables, one module per table; importing this package registers them all."""

from lrs.models.activity import Activity
from lrs.models.agent import Agent
from lrs.models.analytics import AnalyticsEvent, VerbSet, statement_analytics
from lrs.models.attachment import Attachment
from lrs.models.base import Base
from lrs.models.credential import Credential
from lrs.models.document import Document
from lrs.models.statement import Statement
from lrs.models.statement_link import StatementActivity, StatementAgent
from lrs.models.store import Store

__all__ = [
    "Activity",
    "Agent",
    "AnalyticsEvent",
    "Attachment",
    "Base",
    "Credential",
    "Document",
    "Statement",
    "StatementActivity",
    "StatementAgent",
    "Store",
    "VerbSet",
    "statement_analytics",
]
