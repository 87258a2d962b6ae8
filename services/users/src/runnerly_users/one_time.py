"""One-time tokens (activation, password reset, email change): random, single-use, expiring.

Only the SHA-256 of a token is stored: the value is a 256-bit random string,
so a fast hash is enough to make a leaked table useless.
"""

from __future__ import annotations

import hashlib
import secrets
from enum import StrEnum


class Purpose(StrEnum):
    """What a one-time token is for; a token only works for its own purpose."""

    activation = "activation"
    password_reset = "password_reset"  # noqa: S105  # a purpose, not a secret
    email_change = "email_change"


def new_token() -> str:
    """A fresh token value, to mail; never stored."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """What is stored and looked up."""
    return hashlib.sha256(token.encode()).hexdigest()
