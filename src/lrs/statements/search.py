# ruff: noqa: S608 -- the SQL here is assembled from constant fragments; values are bound.
"""The SQL of GET /statements: filters, StatementRef inheritance, time bounds and paging.

Pages are cut from `seq` order (the order statements were stored in), so that the indexes of
every filter serve the order and the database reads only the rows it returns. With `since` or
`until` the order is (`stored`, `seq`) instead, served by the `stored` index, because a time
window deep in the past would otherwise cost a scan of everything stored after it.
"""

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


@dataclass(frozen=True, slots=True)
class _Link:
    """A filter through a link table: its rows' condition and the `ref_keys` entry that
    meets it by inheritance."""

    table: str
    condition: str
    ref_key: str


async def select_statements(
    session: AsyncSession, store_id: int, query: StatementQuery, limit: int, authority: str | None
) -> tuple[list[StatementRow], bool]:
    """Up to `limit` statements matching `query`, voided ones never included, and whether
    more may follow. Statements match directly, or (StatementRef statements only) through
    their target's keys; each branch is index-ordered and the database merges the two."""
    params: dict[str, Any] = {"store_id": store_id, "authority": authority, "limit": limit + 1}
    by_time = query.since is not None or query.until is not None
    direction = "ASC" if query.ascending else "DESC"
    order = f"stored {direction}, seq {direction}" if by_time else f"seq {direction}"
    common = _common(query, params, by_time)
    links, columns = _conditions(query, params)
    if not links and not columns:
        branches = [_select(common, None, order, direction)]
    else:
        driving = links[0] if links and not by_time else None
        inherited = [f"({c} OR s.ref_keys @> ARRAY[CAST(:k{i} AS text)])"
                     for i, (c, _) in enumerate(_all(links, columns, params))]  # fmt: skip
        direct = [_in(link) for link in links if link is not driving] + [c for c, _ in columns]
        plain = [*common, "s.object_kind <> 'StatementRef'", *direct]
        refs = [*common, "s.object_kind = 'StatementRef'", *inherited]
        branches = [
            _select(plain, driving, order, direction),
            _select(refs, None, order, direction),
        ]
    union = " UNION ALL ".join(f"({branch})" for branch in branches)
    outer = f"SELECT seq, CAST(payload AS text) AS payload, stored FROM ({union}) u"
    rows = await session.execute(text(f"{outer} ORDER BY {order} LIMIT :limit"), params)
    found = [StatementRow(row.seq, row.payload, row.stored) for row in rows]
    return found[:limit], len(found) > limit


def _select(conditions: list[str], driving: _Link | None, order: str, direction: str) -> str:
    source = "statement s"
    if driving is not None:
        # Walk the link index in seq order and join each row: no sort, no full match set.
        # DISTINCT: a statement can meet the filter in several places (actor and instructor,
        # object and parent); on the ordered scan it only skips neighbours.
        source = (f"(SELECT DISTINCT a.seq FROM {driving.table} a WHERE {driving.condition}"
                  f" ORDER BY a.seq {direction}) l JOIN statement s"
                  " ON s.store_id = :store_id AND s.seq = l.seq")  # fmt: skip
    where = " AND ".join(conditions)
    select = f"SELECT s.seq, s.payload, s.stored FROM {source} WHERE {where}"
    return f"{select} ORDER BY {_prefixed(order)} LIMIT :limit"


def _prefixed(order: str) -> str:
    return ", ".join(f"s.{part.strip()}" for part in order.split(","))


def _common(query: StatementQuery, params: dict[str, Any], by_time: bool) -> list[str]:
    """Conditions on the statement itself: store, voiding, time, paging, permission."""
    clauses = ["s.store_id = :store_id", "NOT s.voided"]
    later = ">" if query.ascending else "<"
    after = (
        f"(s.stored, s.seq) {later} (:after_stored, :after)" if by_time else f"s.seq {later} :after"
    )
    bounds = {"since": ("s.stored > :since", query.since),
              "until": ("s.stored <= :until", query.until),
              "through": ("s.stored <= :through", query.through),
              "after": (after, query.after),
              "authority": ("s.authority_key = :authority", params["authority"])}  # fmt: skip
    for name, (clause, value) in bounds.items():
        if value is not None:
            clauses.append(clause)
            params[name] = value
    params["after_stored"] = query.after_stored
    return clauses


def _conditions(
    query: StatementQuery, params: dict[str, Any]
) -> tuple[list[_Link], list[tuple[str, str]]]:
    """The agent/activity filters (through link tables) and verb/registration ones."""
    links = []
    if query.agent is not None:
        usages = None if query.related_agents else DIRECT_AGENT_USAGES
        links.append(_link("statement_agent", "agent_key", query.agent, usages, params))
    if query.activity is not None:
        usages = None if query.related_activities else DIRECT_ACTIVITY_USAGES
        links.append(_link("statement_activity", "activity_id", query.activity, usages, params))
    columns = []
    if query.verb is not None:
        params["verb"] = query.verb
        columns.append(("s.verb_id = :verb", f"verb|{query.verb}"))
    if query.registration is not None:
        params["registration"] = query.registration
        columns.append(("s.registration = CAST(:registration AS uuid)",
                        f"registration|{query.registration}"))  # fmt: skip
    return links, columns


def _all(
    links: list[_Link], columns: list[tuple[str, str]], params: dict[str, Any]
) -> list[tuple[str, str]]:
    """Every filter as (condition, ref key), binding the ref keys as :k0, :k1, ..."""
    every = [(_in(link), link.ref_key) for link in links] + columns
    for i, (_, key) in enumerate(every):
        params[f"k{i}"] = key
    return every


def _in(link: _Link) -> str:
    return f"s.seq IN (SELECT a.seq FROM {link.table} a WHERE {link.condition})"


def _link(
    table: str, column: str, value: str, usages: tuple[str, ...] | None, params: dict[str, Any]
) -> _Link:
    params[column] = value
    condition = f"a.store_id = :store_id AND a.{column} = :{column}"
    if usages is not None:
        params[f"{column}_usages"] = list(usages)
        condition += f" AND a.usage = ANY(:{column}_usages)"
    kind = "agent" if table == "statement_agent" else "activity"
    return _Link(table, condition, f"{kind}|{'related' if usages is None else 'direct'}|{value}")
