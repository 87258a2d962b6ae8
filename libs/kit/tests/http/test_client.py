"""ServiceClient against a real, scripted peer: which calls are retried; the breaker per peer."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable

import pytest

from runnerly_kit.errors import ServiceUnavailable
from runnerly_kit.http import CircuitOpen, ServiceClient
from runnerly_kit.testing.clock import ManualClock
from runnerly_kit.testing.ports import free_port

MakeClient = Callable[..., ServiceClient]


@pytest.mark.parametrize("status", [502, 503, 504, 429])
async def test_a_get_is_retried_until_it_succeeds(
    make_client: MakeClient,
    peer_url: str,
    hits: Counter[str],
    script: dict[str, list[int]],
    status: int,
) -> None:
    """GET is retried on 502/503/504/429 with backoff, and the caller sees the final success."""
    script["flaky"] = [status, status]
    response = await make_client(retries=3).get(f"{peer_url}/script/flaky")
    assert response.status_code == 200
    assert hits["/script/flaky"] == 3


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS", "PUT", "DELETE"])
async def test_idempotent_methods_are_retried(
    make_client: MakeClient,
    peer_url: str,
    hits: Counter[str],
    script: dict[str, list[int]],
    method: str,
) -> None:
    """Every idempotent method is retried on a 503."""
    script["flaky"] = [503]
    response = await make_client(retries=2).request(method, f"{peer_url}/script/flaky")
    assert response.status_code == 200
    assert hits["/script/flaky"] == 2


async def test_a_get_gives_up_after_its_retries(
    make_client: MakeClient, peer_url: str, hits: Counter[str]
) -> None:
    """A peer that stays unavailable gets 1 + retries attempts; the last answer is returned."""
    response = await make_client(retries=2).get(f"{peer_url}/status/503")
    assert response.status_code == 503
    assert hits["/status/503"] == 3


@pytest.mark.parametrize("method", ["POST", "PATCH"])
async def test_post_and_patch_are_never_retried(
    make_client: MakeClient, peer_url: str, hits: Counter[str], method: str
) -> None:
    """A POST or PATCH that got a 503 is not sent again: it might have done its work."""
    response = await make_client(retries=3).request(method, f"{peer_url}/status/503")
    assert response.status_code == 503
    assert hits["/status/503"] == 1


async def test_a_post_with_an_idempotency_key_is_retried(
    make_client: MakeClient, peer_url: str, hits: Counter[str], script: dict[str, list[int]]
) -> None:
    """With an Idempotency-Key the peer can recognise a repeat, so the POST is retried."""
    script["create"] = [503, 503]
    response = await make_client(retries=3).post(
        f"{peer_url}/script/create", json={"a": 1}, headers={"Idempotency-Key": "k-1"}
    )
    assert response.status_code == 200
    assert hits["/script/create"] == 3


@pytest.mark.parametrize("status", [400, 404, 409, 500])
async def test_other_statuses_are_not_retried(
    make_client: MakeClient, peer_url: str, hits: Counter[str], status: int
) -> None:
    """A client error, or a 500 (a bug, not an outage), is returned at once."""
    response = await make_client(retries=3).get(f"{peer_url}/status/{status}")
    assert response.status_code == status
    assert hits[f"/status/{status}"] == 1


async def test_retry_after_is_honoured_within_the_cap(
    make_client: MakeClient, peer_url: str, hits: Counter[str]
) -> None:
    """A 429 asking to wait 0 s is retried; one asking for an hour is returned at once."""
    client = make_client(retries=3, retry_after_cap_seconds=5)
    assert (await client.get(f"{peer_url}/throttled/0")).status_code == 200
    assert hits["/throttled/0"] == 2
    response = await client.get(f"{peer_url}/throttled/3600")
    assert response.status_code == 429
    assert hits["/throttled/3600"] == 1


async def test_an_unreachable_peer_is_reported_as_unavailable(make_client: MakeClient) -> None:
    """Connection refused, even after retries: ServiceUnavailable (503), not a raw httpx error."""
    with pytest.raises(ServiceUnavailable) as caught:
        await make_client(retries=2).get(f"http://127.0.0.1:{free_port()}/anything")
    assert caught.value.code == "peer_unavailable"
    assert caught.value.status_code == 503


async def test_a_timeout_is_retried_then_reported(
    make_client: MakeClient, peer_url: str, hits: Counter[str]
) -> None:
    """A peer slower than the read timeout is tried 1 + retries times, then reported unavailable."""
    client = make_client(timeout=0.1, retries=1)
    with pytest.raises(ServiceUnavailable, match="could not be reached"):
        await client.get(f"{peer_url}/slow/0.5")
    assert hits["/slow/0.5"] == 2


async def test_the_breaker_opens_after_n_failures_and_fails_fast(
    make_client: MakeClient, peer_url: str, tokendealer_url: str, hits: Counter[str]
) -> None:
    """After N consecutive 5xx the peer is no longer called; other peers are unaffected."""
    client = make_client(retries=0, breaker_failure_threshold=3)
    for _ in range(3):
        assert (await client.get(f"{peer_url}/status/500")).status_code == 500
    with pytest.raises(CircuitOpen) as caught:
        await client.get(f"{peer_url}/status/500")
    with pytest.raises(CircuitOpen):  # every path of that peer, not just the failing one
        await client.get(f"{peer_url}/echo")
    assert hits["/status/500"] == 3
    assert hits["/echo"] == 0
    assert caught.value.status_code == 503
    assert caught.value.code == "circuit_open"
    # The token endpoint is another peer (another port): its breaker is still closed.
    other = await client.get(f"{tokendealer_url}/oauth/token")
    assert other.status_code == 405


async def test_connection_failures_open_the_breaker(make_client: MakeClient) -> None:
    """A peer that refuses connections opens the breaker like one answering 5xx."""
    client = make_client(retries=0, breaker_failure_threshold=2)
    url = f"http://127.0.0.1:{free_port()}/anything"
    for _ in range(2):
        with pytest.raises(ServiceUnavailable) as caught:
            await client.get(url)
        assert caught.value.code == "peer_unavailable"
    with pytest.raises(CircuitOpen):
        await client.get(url)


async def test_the_breaker_half_opens_after_the_reset_time(
    make_client: MakeClient, peer_url: str, hits: Counter[str], script: dict[str, list[int]]
) -> None:
    """After the reset time one trial goes through: a failure reopens, a success closes."""
    clock = ManualClock()
    client = make_client(
        retries=0, breaker_failure_threshold=2, breaker_reset_seconds=30, clock=clock
    )
    url = f"{peer_url}/script/recovering"
    script["recovering"] = [500, 500, 500]
    for _ in range(2):
        await client.get(url)
    clock.advance(29)
    with pytest.raises(CircuitOpen):
        await client.get(url)
    assert hits["/script/recovering"] == 2

    clock.advance(1)
    assert (await client.get(url)).status_code == 500  # the trial fails...
    with pytest.raises(CircuitOpen):  # ...so the breaker is open again at once
        await client.get(url)
    assert hits["/script/recovering"] == 3

    clock.advance(30)
    assert (await client.get(url)).status_code == 200  # the trial succeeds...
    assert (await client.get(url)).status_code == 200  # ...so the breaker is closed
    assert hits["/script/recovering"] == 5


async def test_only_one_trial_call_goes_through_while_half_open(
    make_client: MakeClient, peer_url: str, hits: Counter[str]
) -> None:
    """While the trial call is in flight, the other calls to that peer fail fast."""
    clock = ManualClock()
    client = make_client(
        retries=0, breaker_failure_threshold=1, breaker_reset_seconds=30, clock=clock
    )
    await client.get(f"{peer_url}/status/500")
    clock.advance(30)
    results = await asyncio.gather(
        *(client.get(f"{peer_url}/slow/0.2") for _ in range(5)), return_exceptions=True
    )
    assert hits["/slow/0.2"] == 1
    assert sum(isinstance(result, CircuitOpen) for result in results) == 4


async def test_a_relative_url_is_a_programming_error(make_client: MakeClient) -> None:
    """A URL without a host fails at once as a bug, not as an unreachable peer."""
    with pytest.raises(ValueError, match="absolute URL"):
        await make_client().get("/v1/runs")


async def test_errors_name_the_peer_never_its_address(make_client: MakeClient) -> None:
    """An unreachable or failing peer is named ("the users service"); its URL stays in logs."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    client = make_client(
        retries=0, breaker_failure_threshold=1, peer_names={url: "the users service"}
    )
    with pytest.raises(ServiceUnavailable) as unreachable:
        await client.get(f"{url}/v1/anything")
    with pytest.raises(CircuitOpen) as open_circuit:
        await client.get(f"{url}/v1/anything")
    anonymous = make_client(retries=0)
    with pytest.raises(ServiceUnavailable) as unnamed:
        await anonymous.get(f"http://127.0.0.1:{free_port()}/x")

    assert unreachable.value.message == "The users service could not be reached."
    assert open_circuit.value.message == "The users service is failing; not calling it for now."
    assert unnamed.value.message == "A peer service could not be reached."
    for error in (unreachable.value, open_circuit.value, unnamed.value):
        body = str(error.to_body())
        assert "127.0.0.1" not in body
        assert "http" not in body
        assert str(port) not in body
