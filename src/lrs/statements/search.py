"""The SQL of GET /statements: filters, StatementRef inheritance, time bounds and paging."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from lrs.statements.query import StatementQuery
from lrs.xapi.index import DIRECT_ACTIVITY_USAGES, DIRECT_AGENT_USAGES


@dataclass(frozen=True, slots=True)
class StatementRow:
    seq: int
    payload: str
    stored: datetime


async def select_statements(
    session: AsyncSession, store_id: int, query: StatementQuery, limit: int, authority: str | None
) -> list[StatementRow]:
    """Up to `limit` statements matching `query`, in `seq` order, voided ones never included.

    Statements match directly, or (StatementRef statements only) through their target's keys.
    Each branch is ordered by an index, so the database merges two short ordered streams.
    """
    params: dict[str, Any] = {"store_id": store_id, "limit": limit, "authority": authority}
    common = _common(query, params)
    order = "ASC" if query.ascending else "DESC"
    select = "SELECT s.seq, s.payload, s.stored FROM statement s WHERE"
    if not query.has_filters:
        branches = [f"{select} {common}"]
    else:
        direct = _filter(query, params, inherited=False)
        inherited = _filter(query, params, inherited=True)
        branches = [
            f"{select} {common} AND s.object_kind <> 'StatementRef' AND {direct}",
            f"{select} {common} AND s.object_kind = 'StatementRef' AND {inherited}",
        ]
    union = " UNION ALL ".join(f"({b} ORDER BY s.seq {order} LIMIT :limit)" for b in branches)
    rows = await session.execute(
        text(
            f"SELECT seq, CAST(payload AS text) AS payload, stored FROM ({union}) u"  # noqa: S608
            f" ORDER BY seq {order} LIMIT :limit"
        ),
        params,
    )
    return [StatementRow(row.seq, row.payload, row.stored) for row in rows]


def _common(query: StatementQuery, params: dict[str, Any]) -> str:
    """Conditions on the statement itself: store, voiding, time, paging, permission."""
    clauses = ["s.store_id = :store_id", "NOT s.voided"]
    bounds = {"since": ("s.stored > :since", query.since),
              "until": ("s.stored <= :until", query.until),
              "through": ("s.stored <= :through", query.through),
              "after": ("s.seq > :after" if query.ascending else "s.seq < :after", query.after),
              "authority": ("s.authority_key = :authority", params["authority"])}  # fmt: skip
    for name, (clause, value) in bounds.items():
        if value is not None:
            clauses.append(clause)
            params[name] = value
    return " AND ".join(clauses)


def _filter(query: StatementQuery, params: dict[str, Any], inherited: bool) -> str:
    """The agent/verb/activity/registration filters; with `inherited`, each may also be met
    through the keys a StatementRef statement took from its target."""
    conditions = []
    if query.agent is not None:
        usages = None if query.related_agents else DIRECT_AGENT_USAGES
        conditions.append(_link("statement_agent", "agent_key", query.agent, usages, params))
    if query.activity is not None:
        usages = None if query.related_activities else DIRECT_ACTIVITY_USAGES
        conditions.append(
            _link("statement_activity", "activity_id", query.activity, usages, params)
        )
    if query.verb is not None:
        params["verb"] = query.verb
        conditions.append(("s.verb_id = :verb", f"verb|{query.verb}"))
    if query.registration is not None:
        params["registration"] = query.registration
        conditions.append(("s.registration = CAST(:registration AS uuid)",
                           f"registration|{query.registration}"))  # fmt: skip
    if not inherited:
        return " AND ".join(direct for direct, _ in conditions)
    clauses = []
    for i, (direct, key) in enumerate(conditions):
        params[f"key{i}"] = key
        clauses.append(f"({direct} OR s.ref_keys @> ARRAY[CAST(:key{i} AS text)])")
    return " AND ".join(clauses)


def _link(
    table: str, column: str, value: str, usages: tuple[str, ...] | None, params: dict[str, Any]
) -> tuple[str, str]:
    """A filter through a link table, and the `ref_keys` entry that meets it by inheritance."""
    params[column] = value
    condition = f"s.seq IN (SELECT a.seq FROM {table} a WHERE a.store_id = :store_id AND a.{column} = :{column}"  # noqa: S608,E501 (constants)
    if usages is not None:
        params[f"{column}_usages"] = list(usages)
        condition += f" AND a.usage = ANY(:{column}_usages)"
    kind = "agent" if table == "statement_agent" else "activity"
    return condition + ")", f"{kind}|{'related' if usages is None else 'direct'}|{value}"
