"""Bodies of the password-reset endpoints."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from runnerly_users.credentials import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH


class NewPassword(BaseModel):
    """The token of a reset link and the password to set."""

    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=16, max_length=128)
    password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH)


class PasswordChange(BaseModel):
    """The password in use, and the new one (the same rules as at sign-up)."""

    model_config = ConfigDict(extra="forbid")

    current_password: str = Field(min_length=1, max_length=MAX_PASSWORD_LENGTH)
    new_password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH)
