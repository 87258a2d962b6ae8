"""ServiceStack: a service served for one test with its database and broker, then closed."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

import httpx
import pytest
from fastapi import FastAPI
from pydantic_settings import SettingsConfigDict

from runnerly_kit.app import ServiceDefinition, create_app
from runnerly_kit.columns import utcnow
from runnerly_kit.events import Envelope
from runnerly_kit.manifest import ServiceManifest
from runnerly_kit.runtime import Runtime
from runnerly_kit.settings import Environment, ServiceSettings
from runnerly_kit.testing.nats import NatsServer
from runnerly_kit.testing.plugin import TestDatabase
from runnerly_kit.testing.stack import ServiceStack

MANIFEST = ServiceManifest(
    name="widgets", app_factory="unused:create_app", env_prefix="WIDGETS_", default_port=0
)


class WidgetsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="WIDGETS_")
    service_name = "widgets"

    colour: str = "grey"


@dataclass(frozen=True)
class Palette:
    """A service-specific object, as a start-up hook builds one."""

    colour: str


@dataclass(frozen=True)
class Tokens:
    """Stands in for the token dealer's test helper: fixed tokens, no signature."""

    url: str = "http://127.0.0.1:9"

    def runner_token(self, subject: str, scopes: Iterable[str] = ("runner",)) -> str:
        return f"runner:{subject}:{','.join(scopes)}"

    async def service_token(self, client_id: str) -> str:
        return f"service:{client_id}"


async def _add_palette(runtime: Runtime) -> None:
    runtime.components.add(Palette(runtime.settings_as(WidgetsSettings).colour))


async def _fail(runtime: Runtime) -> None:
    raise RuntimeError("no widgets today")


def widgets_app(settings: WidgetsSettings) -> FastAPI:
    return create_app(
        settings, ServiceDefinition(title="widgets", version="1", on_startup=[_add_palette])
    )


def failing_app(settings: WidgetsSettings) -> FastAPI:
    return create_app(settings, ServiceDefinition(title="widgets", version="1", on_startup=[_fail]))


class WidgetsStack(ServiceStack[WidgetsSettings]):
    """A service's own stack: the kit's, plus its helpers."""

    async def health(self) -> int:
        return (await self.http.get("/healthz")).status_code


async def test_the_stack_serves_the_service_with_the_tests_settings(
    test_database: TestDatabase, nats_server: NatsServer
) -> None:
    """The app answers on the stack's URL with the test's database, broker and own settings."""
    async with WidgetsStack.start(
        widgets_app,
        WidgetsSettings,
        MANIFEST,
        database=test_database,
        nats_url=nats_server.url,
        settings={"colour": "teal"},
    ) as stack:
        assert await stack.health() == 200
        assert stack.url == f"http://127.0.0.1:{stack.settings.port}"
        assert stack.settings.environment is Environment.test
        assert (stack.settings.database_url, stack.settings.database_schema) == (
            test_database.url,
            test_database.schema,
        )
        assert stack.runtime.components.get(Palette) == Palette("teal")
        assert stack.runtime.broker is not None


async def test_the_stack_sees_what_the_service_publishes(
    test_database: TestDatabase, nats_server: NatsServer
) -> None:
    """The stack's event log was listening before the service started, on the real broker."""
    async with ServiceStack.start(
        widgets_app, WidgetsSettings, MANIFEST, database=test_database, nats_url=nats_server.url
    ) as stack:
        envelope = Envelope(
            id=uuid.uuid4(),
            type="widgets.widget.made.v1",
            occurred_at=utcnow(),
            source="widgets",
            subject=str(uuid.uuid4()),
            data={"colour": "grey"},
        )
        assert stack.runtime.broker is not None
        await stack.runtime.broker.publish(envelope)

        seen = await stack.events.wait_for("widgets.widget.made.v1", subject=envelope.subject)
        assert seen.id == envelope.id


async def test_everything_is_closed_when_the_block_ends(
    test_database: TestDatabase, nats_server: NatsServer
) -> None:
    """After the block the server no longer answers and the client and event log are closed."""
    async with ServiceStack.start(
        widgets_app, WidgetsSettings, MANIFEST, database=test_database, nats_url=nats_server.url
    ) as stack:
        url = stack.url
    assert stack.http.is_closed
    assert stack.events.connection.is_closed
    async with httpx.AsyncClient() as http:
        with pytest.raises(httpx.ConnectError):
            await http.get(f"{url}/healthz")


async def test_headers_carry_the_token_dealers_tokens(
    test_database: TestDatabase, nats_server: NatsServer
) -> None:
    """Runner and service headers come from the given token dealer, whose URL the service trusts."""
    tokens = Tokens()
    async with ServiceStack.start(
        widgets_app,
        WidgetsSettings,
        MANIFEST,
        database=test_database,
        nats_url=nats_server.url,
        tokendealer=tokens,
        watch_events=None,
    ) as stack:
        assert stack.settings.tokendealer_url == tokens.url
        assert stack.runner_headers("ada") == {"Authorization": "Bearer runner:ada:runner"}
        assert stack.runner_headers("ada", "admin") == {"Authorization": "Bearer runner:ada:admin"}
        assert await stack.service_headers("runs") == {"Authorization": "Bearer service:runs"}
        with pytest.raises(RuntimeError, match="watch_events"):
            _ = stack.events


async def test_without_a_token_dealer_headers_say_so(
    test_database: TestDatabase, nats_server: NatsServer
) -> None:
    """A stack started without a token dealer refuses to make up tokens."""
    async with ServiceStack.start(
        widgets_app,
        WidgetsSettings,
        MANIFEST,
        database=test_database,
        nats_url=nats_server.url,
        watch_events=None,
    ) as stack:
        with pytest.raises(RuntimeError, match="without a token dealer"):
            stack.runner_headers("ada")


async def test_a_service_that_fails_to_start_fails_the_stack(
    test_database: TestDatabase, nats_server: NatsServer
) -> None:
    """A start-up error surfaces from start() as an error of the test, naming the failed start."""
    with pytest.raises(RuntimeError, match="failed to start"):
        async with ServiceStack.start(
            failing_app,
            WidgetsSettings,
            MANIFEST,
            database=test_database,
            nats_url=nats_server.url,
        ):
            pass
