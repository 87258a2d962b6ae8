"""The users service's part of a runner's data export.

It reads accounts and profiles through their features' doors. Secrets are
never exported, only said to exist: the password hash, and the hashes of the
one-time links still waiting to be followed.
"""

from __future__ import annotations

from runnerly_users.accounts import service as accounts
from runnerly_users.dependencies import Context
from runnerly_users.export.schemas import (
    AccountRecord,
    AccountStatus,
    PendingEmailChange,
    PendingLink,
    UsersExport,
)
from runnerly_users.models import User
from runnerly_users.one_time import Purpose
from runnerly_users.profiles import service as profiles


def _status(user: User) -> AccountStatus:
    if user.deactivated_at is not None:
        return "deactivated"
    return "active" if user.is_active else "inactive"


async def export(context: Context, runner_id: str) -> UsersExport:
    """Everything kept about the runner; 404 once the account is deleted."""
    user = await profiles.get_account(context, runner_id)
    links = await accounts.pending_tokens(context, runner_id)
    change = next((link for link in links if link.purpose == Purpose.email_change), None)
    return UsersExport(
        account=AccountRecord(
            id=user.id,
            email=user.email,
            status=_status(user),
            is_admin=accounts.is_admin(context.settings, user),
            created_at=user.created_at,
            activated_at=user.activated_at,
            deactivated_at=user.deactivated_at,
            updated_at=user.updated_at,
        ),
        profile=profiles.as_profile(user),
        pending_email_change=None
        if change is None or change.new_email is None
        else PendingEmailChange(
            new_email=change.new_email,
            requested_at=change.created_at,
            expires_at=change.expires_at,
        ),
        pending_links=[
            PendingLink(
                purpose=Purpose(link.purpose).value,
                created_at=link.created_at,
                expires_at=link.expires_at,
            )
            for link in links
        ],
    )
