"""Sign-up, activation, the credentials check, and the door to accounts for other features.

No answer tells a caller whether an email has an account: sign-up and resend
answer the same 202 either way (what differs is the email sent to the
address's owner), and the credentials check gives the same "wrong
credentials" verdict for an unknown email and a wrong password, after the same
Argon2id work.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.exc import IntegrityError

from runnerly_contracts.users import UserActivated, UserRegistered
from runnerly_kit.auth import RUNNER_SCOPE
from runnerly_kit.db import Database
from runnerly_kit.errors import BadRequest, Conflict, Forbidden, InvalidInput, NotFound
from runnerly_users import outbox
from runnerly_users.accounts import repository
from runnerly_users.credentials import check_password
from runnerly_users.dependencies import Context
from runnerly_users.emails import normalise_email
from runnerly_users.models import OneTimeToken, User
from runnerly_users.one_time import Purpose, hash_token, new_token
from runnerly_users.settings import UsersSettings

ADMIN_SCOPE = "admin"


async def find_account(context: Context, user_id: str) -> User | None:
    """The account with this id (the other features read accounts through here)."""
    return await repository.find_by_id(context.session, user_id)


async def find_account_by_email(context: Context, email: str) -> User | None:
    """The account with this (normalised) email."""
    return await repository.find_by_email(context.session, email)


async def erase_account(context: Context, user_id: str) -> None:
    """Delete the account and its one-time tokens, in the request's transaction."""
    await repository.delete_user(context.session, user_id)


async def pending_tokens(context: Context, user_id: str) -> Sequence[OneTimeToken]:
    """The runner's one-time links still waiting to be followed (for their data export)."""
    return await repository.unused_tokens(context.session, user_id, context.now)


def wrong_password(field: str) -> InvalidInput:
    """The 422 for a password that is not the account's: not a 401 (the token is fine)."""
    return InvalidInput(
        "The password is wrong.", code="wrong_password", details=[{"location": ["body", field]}]
    )


async def confirm_password(context: Context, user: User, password: str, field: str) -> None:
    """Refuse with :func:`wrong_password` unless ``password`` is the account's own.

    Argon2id is deliberately slow: call it in a read transaction, never while
    holding SQLite's write lock.
    """
    if not await context.passwords.verify(user.password_hash, password):
        raise wrong_password(field)


async def account_as_checked(context: Context, user_id: str, checked_hash: str) -> User:
    """The account again, in the write transaction that follows a password check.

    404 when it is gone, 409 ``password_changed`` when its password changed
    since it was checked (a concurrent change): what was proved is stale.
    """
    user = await repository.find_by_id(context.session, user_id)
    if user is None:
        raise NotFound("No such runner.")
    if user.password_hash != checked_hash:
        raise Conflict("The password changed meanwhile; try again.", code="password_changed")
    return user


def set_password_hash(context: Context, user: User, password_hash: str) -> None:
    """Give the (loaded) account a new password hash."""
    user.password_hash = password_hash
    user.updated_at = context.now


def is_admin(settings: UsersSettings, user: User) -> bool:
    """An admin by the ``is_admin`` column or by ``USERS_ADMIN_EMAILS``."""
    return user.is_admin or user.email in settings.admin_emails


def can_log_in(user: User) -> bool:
    """Activated, and not deactivated by an admin."""
    return user.is_active and user.deactivated_at is None


def invalid_link() -> BadRequest:
    """The 400 for an unknown, expired, used or misdirected one-time token."""
    return BadRequest(
        "The link is invalid, has expired or was already used.", code="invalid_or_expired_token"
    )


async def issue_token(
    context: Context,
    user: User,
    purpose: Purpose,
    ttl_seconds: int,
    new_email: str | None = None,
) -> str:
    """A new one-time token for ``user``; earlier unused ones of that purpose stop working."""
    await repository.discard_tokens(context.session, user.id, purpose)
    value = new_token()
    repository.add_token(
        context.session,
        OneTimeToken(
            token_hash=hash_token(value),
            user_id=user.id,
            purpose=purpose,
            new_email=new_email,
            created_at=context.now,
            expires_at=context.now + timedelta(seconds=ttl_seconds),
        ),
    )
    return value


async def redeem_token(context: Context, value: str, purpose: Purpose) -> tuple[OneTimeToken, User]:
    """Spend a one-time token of ``purpose``: its row and its runner, or a 400."""
    token = await repository.find_token(context.session, hash_token(value))
    if (
        token is None
        or token.purpose != purpose
        or token.used_at is not None
        or token.expires_at <= context.now
    ):
        raise invalid_link()
    user = await repository.find_by_id(context.session, token.user_id)
    if user is None or not await repository.spend_token(
        context.session, token.token_hash, context.now
    ):
        raise invalid_link()
    return token, user


async def sign_up(context: Context, email: str, password: str, name: str) -> None:
    """Create an inactive account and mail its activation link, or tell the owner they have one."""
    check_password(password, email)
    # Hashed whether or not the address is known, so both answers take as long.
    password_hash = await context.passwords.hash(password)
    existing = await repository.find_by_email(context.session, email)
    if existing is not None:
        _mail_account_exists(context, existing)
        return
    user = User(
        id=str(uuid.uuid4()),
        email=email,
        password_hash=password_hash,
        name=name.strip(),
        is_active=False,
        is_admin=email in context.settings.admin_emails,
        created_at=context.now,
        updated_at=context.now,
        units="km",
        time_zone="UTC",
        monthly_report=True,
    )
    try:
        async with context.session.begin_nested():
            repository.add_user(context.session, user)
    except IntegrityError:
        # A concurrent sign-up with the same address committed first (PostgreSQL;
        # SQLite's writers take turns): answer as for a known address.
        existing = await repository.find_by_email(context.session, email)
        if existing is None:
            raise
        _mail_account_exists(context, existing)
        return
    await _send_activation(context, user)
    outbox.publish(context.session, UserRegistered(user_id=user.id), user.id)


def _mail_account_exists(context: Context, existing: User) -> None:
    dashboard = context.settings.dashboard_url.rstrip("/")
    outbox.send_email(
        context.session,
        existing.id,
        existing.email,
        "account_exists",
        {
            "name": existing.name,
            "login_link": f"{dashboard}/login",
            "reset_link": f"{dashboard}/reset-password",
        },
    )


async def _send_activation(context: Context, user: User) -> None:
    settings = context.settings
    token = await issue_token(context, user, Purpose.activation, settings.activation_ttl_seconds)
    outbox.send_email(
        context.session,
        user.id,
        user.email,
        "activation",
        {"name": user.name, "link": settings.link("activate", token)},
    )


async def resend_activation(context: Context, email: str) -> None:
    """Mail a new activation link to an account that was never activated; else nothing."""
    user = await repository.find_by_email(context.session, email)
    if user is None or user.activated_at is not None:
        return
    await _send_activation(context, user)


async def activate(context: Context, token: str) -> None:
    """Activate the account the token was mailed for."""
    _, user = await redeem_token(context, token, Purpose.activation)
    if user.activated_at is None:
        user.is_active = True
        user.activated_at = context.now
        user.updated_at = context.now
        outbox.publish(context.session, UserActivated(user_id=user.id), user.id)


@dataclass(frozen=True, slots=True)
class Login:
    """A checked login: who, with which scopes, and a stronger hash to store if one is due."""

    user_id: str
    scopes: list[str]
    new_hash: str | None = None


async def check_credentials(context: Context, email: str, password: str) -> Login | None:
    """The runner's id and token scopes for a right login; ``None`` for wrong credentials.

    An inactive account's right login is refused with 403.

    Only reads: the caller runs it in a read transaction, so that Argon2id's
    deliberate slowness never holds SQLite's write lock.
    """
    normalised = normalise_email(email)
    user = None
    if normalised is not None:
        user = await repository.find_by_email(context.session, normalised)
    if not await context.passwords.verify(None if user is None else user.password_hash, password):
        return None
    assert user is not None
    if not can_log_in(user):
        raise Forbidden("The account is not active.", code="account_inactive")
    new_hash = None
    if context.passwords.needs_rehash(user.password_hash):
        # The cost was raised since this password was set: upgrade it now that we know it.
        new_hash = await context.passwords.hash(password)
    scopes = [RUNNER_SCOPE, ADMIN_SCOPE] if is_admin(context.settings, user) else [RUNNER_SCOPE]
    return Login(user.id, scopes, new_hash)


async def store_new_hash(db: Database, login: Login) -> None:
    """Keep the upgraded hash of a login, in a short write transaction of its own."""
    if login.new_hash is None:
        return
    async with db.transaction() as session:
        await repository.set_password_hash(session, login.user_id, login.new_hash)
