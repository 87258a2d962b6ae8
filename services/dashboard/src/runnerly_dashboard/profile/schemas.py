"""The JSON of the settings screen."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from runnerly_dashboard.shapes import Profile

Password = Annotated[str, Field(min_length=1, max_length=1024)]
#: NIST SP 800-63B's bounds, as the users service applies them to a new password.
NewPassword = Annotated[str, Field(min_length=8, max_length=128)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SettingsScreen(BaseModel):
    """What the settings screen shows."""

    profile: Profile


class EmailChange(_Body):
    """The new address (a confirmation link is mailed to it)."""

    email: Annotated[str, Field(min_length=3, max_length=320)]


class PasswordChange(_Body):
    current_password: Password
    new_password: NewPassword


class AccountDeletion(_Body):
    """The password again: deleting the account cannot be undone."""

    password: Password


class EmailChangeAccepted(BaseModel):
    """The confirmation link is on its way to the new address."""

    message: str
