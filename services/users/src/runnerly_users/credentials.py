"""Passwords: the NIST SP 800-63B rules for choosing one, and Argon2id to keep it.

Rules (SP 800-63B §3.1.1.2): at least 8 and at most 128 characters, no
composition rules, and refused when it is a commonly used password, a
repetition of one character, or contains the account's own email local part
or the service's name. Hashing runs in a worker thread: Argon2id is
deliberately slow and would otherwise stall every other request.
"""

from __future__ import annotations

import asyncio
import functools
from importlib.resources import files

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from runnerly_kit.errors import InvalidInput
from runnerly_users.settings import UsersSettings

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128
# Context-specific words (SP 800-63B: "context-specific words, such as the name of the service").
_CONTEXT_WORDS = ("runnerly",)
# A local part this short ("a@...") is contained in too many good passwords to refuse them all.
_MIN_LOCAL_PART = 3


@functools.cache
def common_passwords() -> frozenset[str]:
    """The shipped list of commonly used passwords, lower-cased."""
    text = (files("runnerly_users") / "common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


def password_problem(password: str, email: str) -> str | None:
    """Why ``password`` may not be chosen for the account ``email``, or ``None``."""
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        return f"A password has {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters."
    lowered = password.lower()
    if lowered in common_passwords() or len(set(lowered)) == 1:
        return "This password is too common; choose another."
    local = email.rpartition("@")[0].lower()
    if len(local) >= _MIN_LOCAL_PART and local in lowered:
        return "The password may not contain your email address."
    if any(word in lowered for word in _CONTEXT_WORDS):
        return "The password may not contain the service's name."
    return None


def check_password(password: str, email: str) -> None:
    """Raise a 422 ``weak_password`` if the password breaks a rule."""
    problem = password_problem(password, email)
    if problem is not None:
        raise InvalidInput(problem, code="weak_password", details=[{"location": ["password"]}])


class Passwords:
    """Argon2id hashing with the configured cost."""

    def __init__(self, settings: UsersSettings) -> None:
        self._hasher = PasswordHasher(
            time_cost=settings.argon2_time_cost,
            memory_cost=settings.argon2_memory_kib,
            parallelism=settings.argon2_parallelism,
        )
        # Verified against when the email is unknown, so that answer takes as long.
        self._dummy_hash = self._hasher.hash("not-a-password-of-anyone")

    async def hash(self, password: str) -> str:
        """The PHC string to store."""
        return await asyncio.to_thread(self._hasher.hash, password)

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """True when ``password`` matches; ``None`` spends the same time and is False."""
        return await asyncio.to_thread(self._verify, password_hash, password)

    def _verify(self, password_hash: str | None, password: str) -> bool:
        try:
            self._hasher.verify(password_hash or self._dummy_hash, password)
        except (VerificationError, InvalidHashError):
            return False
        return password_hash is not None

    def needs_rehash(self, password_hash: str) -> bool:
        """True when the hash was made with other parameters than today's."""
        return self._hasher.check_needs_rehash(password_hash)
