"""The JSON of the account endpoints (the users service checks the values' rules too)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

#: NIST SP 800-63B's bounds, as the users service applies them.
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


Email = Annotated[str, Field(min_length=3, max_length=320)]
Password = Annotated[str, Field(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH)]
Token = Annotated[str, Field(min_length=16, max_length=128)]


class SignUp(_Body):
    email: Email
    password: Password
    name: str = Field(min_length=1, max_length=100, pattern=r"\S")


class EmailBody(_Body):
    email: Email


class TokenBody(_Body):
    """The token of a link from an email."""

    token: Token


class NewPassword(_Body):
    token: Token
    password: Password


class Accepted(BaseModel):
    """Taken; any email it causes is on its way (the same answer whether the address is known)."""

    message: str
