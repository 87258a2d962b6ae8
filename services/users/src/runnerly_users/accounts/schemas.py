"""Bodies of the account endpoints."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from runnerly_users.credentials import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from runnerly_users.emails import Email

#: Same body for a new and for a known address: the answer reveals nothing.
ACCEPTED_MESSAGE = "If the address can receive mail, a message is on its way to it."


class SignUp(BaseModel):
    """A new account: the password is checked against NIST SP 800-63B rules."""

    model_config = ConfigDict(extra="forbid")

    email: Email
    password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH)
    name: str = Field(min_length=1, max_length=100, pattern=r"\S")


class Accepted(BaseModel):
    """The request was taken; any email it causes is on its way."""

    message: str = ACCEPTED_MESSAGE


class TokenBody(BaseModel):
    """A one-time token from a mailed link."""

    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=16, max_length=128)


class EmailBody(BaseModel):
    """An email address."""

    model_config = ConfigDict(extra="forbid")

    email: Email


class CredentialsCheck(BaseModel):
    """A login to check. Not validated as an email: any unknown login is wrong credentials."""

    model_config = ConfigDict(extra="forbid")

    email: str = Field(max_length=320)
    password: str = Field(max_length=1024)


class CheckedCredentials(BaseModel):
    """The verdict on a login: who it is and their token scopes, or only "wrong_credentials".

    A wrong login is a 200 with this verdict, not a 401: a 401 tells the caller
    its own service token is bad. The verdict is the same for an unknown email
    and a wrong password, and carries nothing else.
    """

    verdict: Literal["accepted", "wrong_credentials"]
    user_id: str | None = None
    scopes: list[str] = Field(default_factory=list)
