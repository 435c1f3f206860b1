"""FastAPI dependencies: HTTP Basic authentication and scope checks."""

import base64
import binascii
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request

from lrs.auth.credentials import Principal, authenticate
from lrs.auth.scopes import GRANTED_BY, Action
from lrs.db import autocommit
from lrs.exceptions import Forbidden, Unauthorized


def _basic_credentials(request: Request) -> tuple[str, str]:
    header = request.headers.get("authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        raise Unauthorized("HTTP Basic credentials are required", field="Authorization")
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise Unauthorized("malformed Basic credentials", field="Authorization") from None
    key, colon, secret = decoded.partition(":")
    if not colon:
        raise Unauthorized("malformed Basic credentials", field="Authorization")
    return key, secret


async def current_principal(request: Request) -> Principal:
    """The caller, looked up outside the request's transaction: a write holds no connection
    while it waits for its group commit (statements/group_commit.py)."""
    key, secret = _basic_credentials(request)
    async with autocommit(request.app.state.engine) as connection:
        principal = await authenticate(connection, key, secret)
    if principal is None:
        raise Unauthorized("unknown or revoked credentials", field="Authorization")
    return principal


def require(action: Action) -> Callable[..., Awaitable[Principal]]:
    """A dependency that authenticates and checks that a scope grants `action`."""

    async def dependency(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if principal.scopes.isdisjoint(GRANTED_BY[action]):
            raise Forbidden(f"the credential's scopes do not permit to {action.value}")
        return principal

    return dependency
