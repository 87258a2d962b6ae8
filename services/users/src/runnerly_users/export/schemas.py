"""What the users service's part of a data export holds."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel

from runnerly_users.profiles.schemas import Profile

AccountStatus = Literal["inactive", "active", "deactivated"]

#: How the password is kept: said, never exported.
PASSWORD_NOTE = "Set; kept only as an Argon2id hash, which is not exported."  # noqa: S105  # a note, not a secret


class AccountRecord(BaseModel):
    """The account: its address, its state and when things happened to it."""

    id: str
    email: str
    #: ``inactive`` until the email is confirmed; ``deactivated`` by an admin.
    status: AccountStatus
    is_admin: bool
    created_at: datetime
    activated_at: datetime | None
    deactivated_at: datetime | None
    updated_at: datetime
    password: str = PASSWORD_NOTE


class PendingLink(BaseModel):
    """A one-time link mailed to the runner and not used yet (its token is not exported)."""

    purpose: Literal["activation", "password_reset", "email_change"]
    created_at: datetime
    expires_at: datetime


class PendingEmailChange(BaseModel):
    """An address the runner asked to move to, waiting for its confirmation link."""

    new_email: str
    requested_at: datetime
    expires_at: datetime


class UsersExport(BaseModel):
    """Everything the users service keeps about a runner."""

    account: AccountRecord
    #: The whole profile, email preferences included.
    profile: Profile
    pending_email_change: PendingEmailChange | None
    pending_links: list[PendingLink]
