"""CircuitBreaker's states on their own, with a clock the test moves (no sleeping)."""

from __future__ import annotations

import pytest

from runnerly_kit.http import CircuitBreaker, CircuitOpen
from runnerly_kit.testing.clock import ManualClock


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def breaker(clock: ManualClock) -> CircuitBreaker:
    return CircuitBreaker(
        "http://peer:80", name="the peer", failure_threshold=3, reset_seconds=10, clock=clock
    )


def _fail(breaker: CircuitBreaker, times: int) -> None:
    for _ in range(times):
        breaker.before_call()
        breaker.record_failure()


def test_only_consecutive_failures_open_the_breaker(breaker: CircuitBreaker) -> None:
    """A success in between resets the count: two failures, a success, two failures stay closed."""
    _fail(breaker, 2)
    breaker.before_call()
    breaker.record_success()
    _fail(breaker, 2)
    assert breaker.state == "closed"
    _fail(breaker, 1)
    assert breaker.state == "open"
    with pytest.raises(CircuitOpen) as caught:
        breaker.before_call()
    assert caught.value.details == {"peer": "the peer"}  # its name; the address is for logs


def test_after_the_reset_time_one_trial_goes_through(
    breaker: CircuitBreaker, clock: ManualClock
) -> None:
    """Half-open lets exactly one call through; its success closes the breaker."""
    _fail(breaker, 3)
    clock.now += 9.9
    with pytest.raises(CircuitOpen):
        breaker.before_call()
    clock.now += 0.1
    assert breaker.state == "half-open"
    breaker.before_call()  # the trial
    with pytest.raises(CircuitOpen):  # anyone else while it is in flight
        breaker.before_call()
    breaker.record_success()
    assert breaker.state == "closed"
    breaker.before_call()


def test_a_failed_trial_opens_the_breaker_for_another_period(
    breaker: CircuitBreaker, clock: ManualClock
) -> None:
    """One failure while half-open is enough to open again, counted from the trial's end."""
    _fail(breaker, 3)
    clock.now += 10
    _fail(breaker, 1)
    assert breaker.state == "open"
    clock.now += 9.9
    with pytest.raises(CircuitOpen):
        breaker.before_call()
    clock.now += 0.1
    breaker.before_call()


def test_a_cancelled_trial_frees_the_slot(breaker: CircuitBreaker, clock: ManualClock) -> None:
    """A trial that ends without a verdict (cancelled) lets the next call be the trial."""
    _fail(breaker, 3)
    clock.now += 10
    breaker.before_call()
    breaker.release()
    breaker.before_call()
    breaker.record_success()
    assert breaker.state == "closed"
