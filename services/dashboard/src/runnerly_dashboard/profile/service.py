"""The settings screen's changes, each the users service's, for the runner.

Changing the password ends every other login session of the runner (users
keeps the one whose token asked for the change: this browser's), so the
runner stays logged in here while every other device is logged out.
Deleting the account ends this session.
"""

from __future__ import annotations

from typing import Any

from runnerly_dashboard.dependencies import Context
from runnerly_dashboard.peers import Caller
from runnerly_dashboard.profile.schemas import EmailChangeAccepted, PasswordChange
from runnerly_dashboard.sessions import service as sessions
from runnerly_dashboard.sessions.service import Browser
from runnerly_dashboard.shapes import Profile, ProfileChange


def _runner_path(caller: Caller, rest: str = "") -> str:
    return f"/v1/runners/{caller.runner_id}{rest}"


async def profile(context: Context, caller: Caller) -> Profile:
    """The runner's profile."""
    body = await context.parts.users.json("GET", "/v1/runners/me", caller=caller)
    return Profile.model_validate(body)


async def change_profile(
    context: Context, caller: Caller, browser: Browser, change: ProfileChange
) -> Profile:
    """Change the fields the runner sent (only those)."""
    body: dict[str, Any] = change.model_dump(mode="json", exclude_unset=True)
    answer = await context.parts.users.json("PATCH", _runner_path(caller), caller=caller, json=body)
    changed = Profile.model_validate(answer)
    await sessions.remember_time_zone(context, browser, changed.time_zone)
    return changed


async def change_email(context: Context, caller: Caller, email: str) -> EmailChangeAccepted:
    """Mail a confirmation link to the new address."""
    answer = await context.parts.users.json(
        "POST", _runner_path(caller, "/email"), caller=caller, json={"email": email}
    )
    return EmailChangeAccepted.model_validate(answer)


async def change_password(context: Context, caller: Caller, change: PasswordChange) -> None:
    """Change the password (users checks the current one); other devices are logged out."""
    await context.parts.users.call(
        "POST", _runner_path(caller, "/password"), caller=caller, json=change.model_dump()
    )


async def delete_account(context: Context, caller: Caller, browser: Browser, password: str) -> None:
    """Delete the account (users checks the password again); this session ends."""
    await context.parts.users.call(
        "POST", _runner_path(caller, "/deletion"), caller=caller, json={"password": password}
    )
    await sessions.end(context, browser)
