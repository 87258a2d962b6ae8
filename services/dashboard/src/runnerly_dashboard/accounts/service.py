"""Account steps without a login: each is the users service's, called anonymously."""

from __future__ import annotations

from typing import Any

from runnerly_dashboard.accounts.schemas import Accepted
from runnerly_dashboard.dependencies import Context


async def accepted(context: Context, path: str, body: dict[str, Any]) -> Accepted:
    """POST ``body`` to users, which answers 202 with a message."""
    answer = await context.parts.users.json("POST", path, caller=None, json=body)
    return Accepted.model_validate(answer)


async def done(context: Context, path: str, body: dict[str, Any]) -> None:
    """POST ``body`` to users, which answers 204."""
    await context.parts.users.call("POST", path, caller=None, json=body)
