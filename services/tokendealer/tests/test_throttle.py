"""Login throttling: free mistakes, then waits that double, per account and per address."""

from __future__ import annotations

from datetime import timedelta

import pytest

from runnerly_kit.columns import utcnow
from runnerly_kit.errors import RateLimited
from runnerly_kit.testing.plugin import TestDatabase
from runnerly_tokendealer.logins import throttle


def test_the_wait_doubles_after_the_free_failures() -> None:
    """Three mistakes are free; then 1 s, 2 s, 4 s... up to the cap."""
    policy = throttle.ACCOUNT_POLICY

    waits = [policy.delay_after(n).total_seconds() for n in range(1, 9)]

    assert waits == [0, 0, 0, 1, 2, 4, 8, 16]
    assert policy.delay_after(1000) == policy.max_delay


async def test_failures_are_refused_with_a_growing_retry_after(
    migrated_database: TestDatabase,
) -> None:
    """Each failure past the free ones lengthens the 429's Retry-After; a success clears it."""
    db = migrated_database.open()
    account = throttle.account_key("Runner@Example.com")
    address = throttle.address_key("203.0.113.7")
    policies = {account: throttle.ACCOUNT_POLICY, address: throttle.ADDRESS_POLICY}
    now = utcnow()
    retry_afters: list[int] = []
    try:
        for attempt in range(6):
            async with db.transaction() as session:
                await throttle.record_failure(session, policies, now)
            async with db.transaction() as session:
                try:
                    await throttle.ensure_allowed(session, [account, address], now)
                except RateLimited as refused:
                    retry_afters.append(int(refused.headers["Retry-After"]))
                else:
                    retry_afters.append(0)
            assert attempt < 3 or retry_afters[-1] > retry_afters[-2]

        # The same email typed differently is the same account.
        async with db.transaction() as session:
            with pytest.raises(RateLimited):
                await throttle.ensure_allowed(
                    session, [throttle.account_key(" runner@example.com ")], now
                )
        # Once the wait is over, the next attempt is allowed.
        async with db.transaction() as session:
            await throttle.ensure_allowed(session, [account], now + timedelta(seconds=9))
        async with db.transaction() as session:
            await throttle.record_success(session, account)
        async with db.transaction() as session:
            await throttle.ensure_allowed(session, [account], now)
    finally:
        await db.dispose()

    assert retry_afters == [0, 0, 0, 1, 2, 4]
