"""Password reset: a link to the account's address, then a new password.

A reset ends every login session of the runner: ``users.password.reset.v1``
makes the token dealer revoke all their refresh tokens.
"""

from __future__ import annotations

from runnerly_contracts.users import PasswordReset
from runnerly_users import outbox
from runnerly_users.accounts.service import find_account_by_email, issue_token, redeem_token
from runnerly_users.credentials import check_password
from runnerly_users.dependencies import Context
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
