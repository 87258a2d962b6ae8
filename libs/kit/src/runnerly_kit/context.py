"""The request-scoped values that travel with a call: request id (and trace context).

Kept in context variables so the HTTP client and the event outbox can pass them
on without every function taking them as arguments.
"""

from __future__ import annotations

import re
import secrets
from contextvars import ContextVar

REQUEST_ID_HEADER = "X-Request-ID"
# A caller's id is kept only if it is short and plain, so that it is safe to log
# and to echo back; anything else is replaced by a fresh one.
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

_request_id: ContextVar[str | None] = ContextVar("runnerly_request_id", default=None)


def new_request_id() -> str:
    """A fresh request id: 128 random bits in hex (as uuid4().hex, at a fifth of its cost)."""
    return secrets.token_hex(16)


def accept_request_id(candidate: str | None) -> str:
    """The caller's request id when it is acceptable, otherwise a new one."""
    if candidate and _VALID_REQUEST_ID.match(candidate):
        return candidate
    return new_request_id()


def current_request_id() -> str | None:
    """The id of the request being handled, if any."""
    return _request_id.get()


def set_request_id(request_id: str | None) -> None:
    """Bind a request id to the current context (the middleware and consumers do this)."""
    _request_id.set(request_id)
