"""Login throttling: each failed login makes the next attempt wait longer.

Two counters slow a password-guesser down: one per account (someone trying
many passwords for one runner) and one per client address (someone trying
one password across many runners). A few failures are free — people mistype
— then each further failure doubles the wait, up to a cap. While a key must
wait, its attempts are refused with 429 and ``Retry-After`` *before* the
password is checked, so waiting out the delay is the only way on. A
successful login clears the account's counter.

A wait counts from the moment the failure is recorded — after the password
check, which may take seconds on a busy machine — not from the request's
start, or a slow check would eat the wait. Times come from an injected
:data:`Clock`, so tests drive them instead of sleeping.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from runnerly_kit.errors import RateLimited
from runnerly_tokendealer.logins import repository
from runnerly_tokendealer.models import LoginThrottle

Clock = Callable[[], datetime]
"""Now, as an aware UTC datetime (``runnerly_kit.columns.utcnow`` in production)."""


@dataclass(frozen=True, slots=True)
class ThrottlePolicy:
    """How many failures are free, and how the wait grows after them."""

    free_failures: int
    first_delay: timedelta
    max_delay: timedelta

    def delay_after(self, failures: int) -> timedelta:
        """The wait imposed after ``failures`` consecutive failures."""
        over = failures - self.free_failures
        if over <= 0:
            return timedelta(0)
        # The exponent is bounded: the cap is reached long before 2**30.
        delay: timedelta = self.first_delay * 2 ** min(over - 1, 30)
        return min(delay, self.max_delay)


ACCOUNT_POLICY = ThrottlePolicy(3, timedelta(seconds=1), timedelta(minutes=15))
# An address may be a household or an office behind one NAT: more slack.
ADDRESS_POLICY = ThrottlePolicy(10, timedelta(seconds=1), timedelta(minutes=15))


def account_key(email: str) -> str:
    """The throttle key of an account (the email as the runner typed it, normalised)."""
    return _hash(f"account:{email.strip().lower()}")


def address_key(address: str) -> str:
    """The throttle key of a client address."""
    return _hash(f"address:{address}")


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


async def ensure_allowed(session: AsyncSession, keys: list[str], now: datetime) -> None:
    """Refuse with 429 while any of the keys must still wait."""
    waits = [
        record.blocked_until - now
        for record in await repository.find(session, keys)
        if record.blocked_until is not None and record.blocked_until > now
    ]
    if waits:
        seconds = math.ceil(max(waits).total_seconds())
        raise RateLimited(
            "Too many failed logins; try again later.",
            details={"retry_after_seconds": seconds},
            headers={"Retry-After": str(seconds)},
        )


async def record_failure(
    session: AsyncSession, policies: dict[str, ThrottlePolicy], now: datetime
) -> None:
    """Count one failed login against each key, and set how long it must now wait."""
    for key, policy in policies.items():
        record = await repository.get(session, key)
        if record is None:
            record = LoginThrottle(key_hash=key, failures=0, last_failure_at=now)
            repository.add(session, record)
        record.failures += 1
        record.last_failure_at = now
        delay = policy.delay_after(record.failures)
        record.blocked_until = now + delay if delay else None


async def record_success(session: AsyncSession, account: str) -> None:
    """A successful login clears the account's failures."""
    await repository.forget(session, account)
