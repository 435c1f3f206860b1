"""The index the analytics layer reads through (analytics/queries).

Every signal selects statements by store and verb set within a `timestamp` window, and reads
only projected columns unless a cohort dimension asks for the payload: this covering index
turns those reads into index-only scans. It is partial on `NOT voided`, so voiding removes a
statement from it in the same transaction — nothing can serve a voided statement's numbers.
"""

from sqlalchemy import Index, text

from lrs.models.statement import Statement

ANALYTICS_INCLUDE = ["actor_key", "object_key", "object_kind", "registration", "duration_ms",
                     "score_scaled", "success", "completion", "seq"]  # fmt: skip

statement_analytics = Index(
    "ix_statement_analytics",
    Statement.store_id,
    Statement.verb_id,
    Statement.timestamp,
    postgresql_include=ANALYTICS_INCLUDE,
    postgresql_where=text("NOT voided"),
)
