"""ServiceTokenProvider: the client-credentials grant against a local token endpoint."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from pydantic import SecretStr

from runnerly_kit.errors import ServiceUnavailable, UpstreamError
from runnerly_kit.http import ServiceTokenProvider
from runnerly_kit.settings import ServiceSettings
from runnerly_kit.testing.clock import ManualClock
from runnerly_kit.testing.ports import free_port

MakeProvider = Callable[..., ServiceTokenProvider]


def test_no_client_secret_means_no_provider() -> None:
    """A service without a client secret calls its peers without a token."""
    assert ServiceTokenProvider.from_settings(ServiceSettings(), scopes=()) is None


def test_the_provider_follows_the_settings() -> None:
    """With a secret, the provider asks the configured tokendealer, as the configured client."""
    settings = ServiceSettings(
        tokendealer_url="http://127.0.0.1:8701/",
        client_id="runs",
        client_secret=SecretStr("s" * 20),
    )
    provider = ServiceTokenProvider.from_settings(settings, scopes=["users:read"])
    assert provider is not None
    assert provider.token_url == "http://127.0.0.1:8701/oauth/token"
    assert provider.client_id == "runs"
    assert provider.scopes == ("users:read",)


async def test_a_token_is_fetched_with_the_client_credentials_grant(
    make_provider: MakeProvider, token_requests: list[dict[str, str]]
) -> None:
    """The grant is form-encoded, authenticated with client_secret_basic, and names the scopes."""
    provider = make_provider(scopes=("users:read", "runs:write"))
    assert await provider.token() == "tok-1"
    # The endpoint decoded the form-encoded secret (it contains ':', '/', '+' and '%').
    assert token_requests == [
        {"client_id": "runs", "grant_type": "client_credentials", "scope": "users:read runs:write"}
    ]


async def test_the_token_is_cached_until_invalidated(
    make_provider: MakeProvider, issued: list[str]
) -> None:
    """The same token is handed out until invalidate(); then a new one is fetched."""
    provider = make_provider()
    assert [await provider.token() for _ in range(5)] == ["tok-1"] * 5
    provider.invalidate()
    assert await provider.token() == "tok-2"
    assert issued == ["tok-1", "tok-2"]


async def test_invalidating_an_old_token_keeps_the_new_one(
    make_provider: MakeProvider, issued: list[str]
) -> None:
    """A caller reporting a token already replaced does not throw away the fresh one."""
    provider = make_provider()
    old = await provider.token()
    provider.invalidate(old)
    new = await provider.token()
    provider.invalidate(old)
    assert await provider.token() == new
    assert issued == ["tok-1", "tok-2"]


async def test_concurrent_callers_share_one_fetch(
    make_provider: MakeProvider, issued: list[str], token_options: dict[str, float]
) -> None:
    """Ten callers asking at once while no token is cached cause one request to the endpoint."""
    token_options["delay"] = 0.1
    provider = make_provider()
    tokens = await asyncio.gather(*(provider.token() for _ in range(10)))
    assert set(tokens) == {"tok-1"}
    assert issued == ["tok-1"]


async def test_the_token_is_refreshed_shortly_before_it_expires(
    make_provider: MakeProvider, issued: list[str], token_options: dict[str, float]
) -> None:
    """A token close to its expiry is replaced before a peer could refuse it."""
    token_options["expires_in"] = 300
    clock = ManualClock()
    provider = make_provider(refresh_margin_seconds=30, clock=clock)
    assert await provider.token() == "tok-1"
    clock.advance(269)
    assert await provider.token() == "tok-1"  # still well inside its lifetime
    clock.advance(1)  # 30 s before expiry: the refresh margin
    assert await provider.token() == "tok-2"


async def test_refused_credentials_are_an_upstream_error(
    make_provider: MakeProvider, issued: list[str]
) -> None:
    """A wrong secret: the endpoint says invalid_client and the provider reports a 502."""
    provider = make_provider(client_secret="wrong-secret-0000")
    with pytest.raises(UpstreamError) as caught:
        await provider.token()
    assert caught.value.code == "service_token_refused"
    assert caught.value.status_code == 502
    assert issued == []


async def test_an_unreachable_token_endpoint_is_unavailable() -> None:
    """No token endpoint at all: 503, after a few quick attempts."""
    provider = ServiceTokenProvider(
        f"http://127.0.0.1:{free_port()}/oauth/token", client_id="runs", client_secret="x" * 20
    )
    try:
        with pytest.raises(ServiceUnavailable) as caught:
            await provider.token()
    finally:
        await provider.aclose()
    assert caught.value.code == "token_service_unavailable"
