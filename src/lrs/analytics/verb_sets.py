"""Per-store verb sets (METRICS.md §1.7: "defaults ... overridable per store").

A store replaces a default set with `PUT /analytics/verb-sets/{name}`; every signal of that
store then uses it, unless a request passes its own `<name>_verbs`. Aliases still apply on
top. `GET /analytics/verb-sets` shows what each set is for the calling store and where it
comes from; `DELETE` returns a set to its default.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from lrs.analytics.vocabulary import DEFAULT_SETS
from lrs.api import json_response
from lrs.auth.credentials import Principal
from lrs.auth.dependencies import require
from lrs.auth.scopes import Action
from lrs.db import SessionDep
from lrs.exceptions import NotFound
from lrs.models import VerbSet
from lrs.xapi.primitives import check_iri

router = APIRouter(prefix="/analytics/verb-sets", tags=["analytics"])
Analyst = Annotated[Principal, Depends(require(Action.ANALYTICS_READ))]
Owner = Annotated[Principal, Depends(require(Action.ANALYTICS_CONFIGURE))]
MAX_VERBS = 500


class VerbSetBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    verbs: list[str] = Field(min_length=1, max_length=MAX_VERBS, description="Verb IRIs.")

    @field_validator("verbs")
    @classmethod
    def _iris(cls, value: list[str]) -> list[str]:
        for i, iri in enumerate(value):
            check_iri(iri, f"verbs[{i}]")
        return sorted(set(value))


async def store_sets(session: AsyncSession, store_id: int) -> dict[str, list[str]]:
    """The sets `store_id` has replaced, by name."""
    rows = await session.execute(
        select(VerbSet.name, VerbSet.verbs).where(VerbSet.store_id == store_id)
    )
    return {name: list(verbs) for name, verbs in rows}


def _known(name: str) -> str:
    if name not in DEFAULT_SETS:
        raise NotFound(f"no verb set named {name!r}; known: {', '.join(DEFAULT_SETS)}", "name")
    return name


def _describe(name: str, overrides: dict[str, list[str]]) -> dict[str, Any]:
    verbs = overrides.get(name)
    source = "default" if verbs is None else "store"
    return {"name": name, "source": source, "verbs": verbs or sorted(DEFAULT_SETS[name])}


@router.get("", operation_id="list_verb_sets")
async def list_verb_sets(session: SessionDep, principal: Analyst) -> Response:
    """Every verb set as the calling store's signals use it: `source` is `default` or `store`."""
    overrides = await store_sets(session, principal.store_id)
    return json_response([_describe(name, overrides) for name in DEFAULT_SETS])


@router.put("/{name}", operation_id="put_verb_set")
async def put_verb_set(
    name: str, body: VerbSetBody, session: SessionDep, principal: Owner
) -> Response:
    """Replace a default verb set for this store (scope `all`)."""
    _known(name)
    values = {"store_id": principal.store_id, "name": name, "verbs": body.verbs}
    statement = insert(VerbSet).values(values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[VerbSet.store_id, VerbSet.name],
            set_={"verbs": statement.excluded.verbs, "updated_at": statement.excluded.updated_at},
        )
    )
    return json_response(_describe(name, {name: body.verbs}))


@router.delete("/{name}", operation_id="delete_verb_set", status_code=204)
async def delete_verb_set(name: str, session: SessionDep, principal: Owner) -> Response:
    """Return a verb set of this store to its default (scope `all`)."""
    _known(name)
    await session.execute(
        delete(VerbSet).where(VerbSet.store_id == principal.store_id, VerbSet.name == name)
    )
    return Response(status_code=204)
