"""Admin rules: pages of accounts, and deactivating one (it can no longer log in)."""

from __future__ import annotations

from runnerly_contracts.users import UserDeactivated
from runnerly_kit.errors import NotFound
from runnerly_users import outbox
from runnerly_users.accounts.service import find_account, is_admin
from runnerly_users.admin import repository
from runnerly_users.admin.schemas import RunnerPage, RunnerSummary
from runnerly_users.dependencies import Context
from runnerly_users.models import User


def _summary(context: Context, user: User) -> RunnerSummary:
    return RunnerSummary(
        id=user.id,
        email=user.email,
        name=user.name,
        is_active=user.is_active and user.deactivated_at is None,
        is_admin=is_admin(context.settings, user),
        created_at=user.created_at,
        activated_at=user.activated_at,
        deactivated_at=user.deactivated_at,
    )


async def list_runners(context: Context, cursor: str | None, limit: int) -> RunnerPage:
    """A page of accounts in id order; the cursor is the last id of the previous page."""
    # One more than asked tells whether another page follows.
    users = await repository.page_of_users(context.session, cursor, limit + 1)
    items = [_summary(context, user) for user in users[:limit]]
    next_cursor = items[-1].id if len(users) > limit else None
    return RunnerPage(items=items, next_cursor=next_cursor)


async def deactivate(context: Context, runner_id: str) -> RunnerSummary:
    """Stop an account from logging in; its data stays."""
    user = await find_account(context, runner_id)
    if user is None:
        raise NotFound("No such runner.")
    if user.deactivated_at is None:
        user.is_active = False
        user.deactivated_at = context.now
        user.updated_at = context.now
        # The token dealer ends the runner's sessions, not only their next login.
        outbox.publish(context.session, UserDeactivated(user_id=user.id), user.id)
    return _summary(context, user)
