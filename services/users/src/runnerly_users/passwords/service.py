"""Password reset (a link to the account's address, then a new password) and change.

A reset ends every login session of the runner: ``users.password.reset.v1``
makes the token dealer revoke all their refresh tokens. A change, made with
the current password from a logged-in session, publishes the same event
naming that session as kept: every *other* session ends, the runner's own
stays logged in.
"""

from __future__ import annotations

from runnerly_contracts.users import PasswordReset
from runnerly_kit.db import Database
from runnerly_kit.errors import NotFound
from runnerly_users import outbox
from runnerly_users.accounts import service as accounts
from runnerly_users.accounts.service import find_account_by_email, issue_token, redeem_token
from runnerly_users.credentials import check_password
from runnerly_users.dependencies import Context, in_transaction
from runnerly_users.one_time import Purpose


async def request_reset(context: Context, email: str) -> None:
    """Mail a reset link if the address has an account; otherwise do nothing, silently."""
    user = await find_account_by_email(context, email)
    if user is None:
        return
    settings = context.settings
    token = await issue_token(
        context, user, Purpose.password_reset, settings.password_reset_ttl_seconds
    )
    outbox.send_email(
        context.session,
        user.id,
        user.email,
        "password_reset",
        {"name": user.name, "link": settings.link("reset-password", token)},
    )


async def reset_password(context: Context, token: str, password: str) -> None:
    """Set the new password of the link's runner and end their sessions."""
    # Hashed before the first statement: on SQLite the write transaction holds the
    # database's write lock from then on, and Argon2id is deliberately slow.
    password_hash = await context.passwords.hash(password)
    _, user = await redeem_token(context, token, Purpose.password_reset)
    check_password(password, user.email)
    user.password_hash = password_hash
    user.updated_at = context.now
    outbox.publish(context.session, PasswordReset(user_id=user.id), user.id)


async def change_password(
    context: Context,
    db: Database,
    runner_id: str,
    current: str,
    new: str,
    kept_session_id: str | None,
) -> None:
    """Set a new password if ``current`` is right; end every session but ``kept_session_id``.

    ``context`` is a read transaction: the Argon2id work (checking the current
    password, hashing the new one) happens there, and only the short write
    that follows takes SQLite's write lock.
    """
    user = await accounts.find_account(context, runner_id)
    if user is None:
        raise NotFound("No such runner.")
    await accounts.confirm_password(context, user, current, "current_password")
    check_password(new, user.email)
    password_hash = await context.passwords.hash(new)
    async with in_transaction(context, db) as write:
        user = await accounts.account_as_checked(write, runner_id, user.password_hash)
        accounts.set_password_hash(write, user, password_hash)
        outbox.publish(
            write.session,
            PasswordReset(user_id=user.id, kept_session_id=kept_session_id),
            user.id,
        )
