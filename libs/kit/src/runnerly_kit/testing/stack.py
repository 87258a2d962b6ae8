"""One running service for a test: its app on a real uvicorn server, its database and broker.

Every service's tests build the same thing: migrate the test's database, pick a
free port, make the service's settings for it, serve the app on loopback, open
an HTTP client on it, listen to the broker's events, and close all of it, in
reverse order, at the end of the test. :meth:`ServiceStack.start` does that
once for all of them; a service's ``tests/support.py`` subclasses it only to
add its own helpers (``sign_up``, ``connect``...)::

    class Stack(ServiceStack[UsersSettings]):
        async def sign_up(self, email: str) -> httpx.Response: ...

    async with Stack.start(
        create_app, UsersSettings, MANIFEST, database=test_database,
        nats_url=nats_server.url, tokendealer=td, settings={"argon2_time_cost": 1},
    ) as stack:
        response = await stack.http.get("/healthz")

The kit knows no service, so the token dealer is anything with the
:class:`TokenSource` methods (the token dealer's own test helper has them).
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Protocol, Self, TypeVar

import httpx
from fastapi import FastAPI

from runnerly_kit.manifest import ServiceManifest
from runnerly_kit.migrations import migrate_service
from runnerly_kit.runtime import Runtime
from runnerly_kit.settings import Environment, ServiceSettings
from runnerly_kit.testing.events import EventLog
from runnerly_kit.testing.plugin import TestDatabase
from runnerly_kit.testing.ports import free_port
from runnerly_kit.testing.servers import serve

S = TypeVar("S", bound=ServiceSettings)


class TokenSource(Protocol):
    """A running token dealer, as a service's tests need it: its URL and tokens from it."""

    @property
    def url(self) -> str: ...

    def runner_token(self, subject: str, scopes: Iterable[str] = ...) -> str:
        """A runner's access token."""

    async def service_token(self, client_id: str) -> str:
        """A service's access token (client-credentials grant)."""


@dataclass
class ServiceStack(Generic[S]):
    """A service served on loopback for one test, with an HTTP client and the broker's events.

    Built by :meth:`start`, which closes everything when its block ends.
    """

    url: str
    settings: S
    app: FastAPI
    http: httpx.AsyncClient
    database: TestDatabase
    token_source: TokenSource | None = None
    event_log: EventLog | None = None

    @property
    def runtime(self) -> Runtime:
        """The service's runtime (its database, broker, components), as its lifespan built it."""
        runtime: Runtime = self.app.state.runtime
        return runtime

    @property
    def tokendealer(self) -> TokenSource:
        """The token dealer the service trusts (given to :meth:`start`)."""
        if self.token_source is None:
            raise RuntimeError("this stack was started without a token dealer")
        return self.token_source

    @property
    def events(self) -> EventLog:
        """Every event published on the broker since the stack started."""
        if self.event_log is None:
            raise RuntimeError("this stack was started with watch_events=None")
        return self.event_log

    def runner_headers(self, subject: str, *scopes: str) -> dict[str, str]:
        """A runner's bearer token (scope ``runner`` unless others are given)."""
        token = self.tokendealer.runner_token(subject, scopes or ("runner",))
        return {"Authorization": f"Bearer {token}"}

    async def service_headers(self, client_id: str) -> dict[str, str]:
        """A service's bearer token, from the token dealer's client-credentials grant."""
        return {"Authorization": f"Bearer {await self.tokendealer.service_token(client_id)}"}

    @classmethod
    @contextlib.asynccontextmanager
    async def start(
        cls,
        create_app: Callable[[S], FastAPI],
        settings_class: type[S],
        manifest: ServiceManifest,
        *,
        database: TestDatabase,
        nats_url: str,
        tokendealer: TokenSource | None = None,
        settings: Mapping[str, Any] | None = None,
        migrate: bool = True,
        port: int | None = None,
        watch_events: type[EventLog] | None = EventLog,
        http_timeout: float = 30.0,
    ) -> AsyncIterator[Self]:
        """Migrate ``database`` (unless ``migrate=False``), serve the app, yield the stack.

        The settings are the test's: the database, the broker, a free port,
        the token dealer's URL, JSON logs and a random own client secret;
        ``settings`` adds or overrides fields of the service's own class
        (give ``port`` when one of them must name the service's own URL).
        ``watch_events`` is the class of the event log opened before the
        service starts (so no event is missed), or None for none.
        """
        if migrate and manifest.migrations_dir is not None:
            await migrate_service(
                manifest.migrations_dir, database.url, schema=database.schema or None
            )
        port = port or free_port()
        values: dict[str, Any] = {
            "environment": Environment.test,
            "port": port,
            "database_url": database.url,
            "database_schema": database.schema,
            "nats_url": nats_url,
            "client_secret": secrets.token_urlsafe(24),
            "log_json": True,
        }
        if tokendealer is not None:
            values["tokendealer_url"] = tokendealer.url
        values.update(settings or {})
        service_settings = settings_class(**values)
        app = create_app(service_settings)
        async with contextlib.AsyncExitStack() as exits:
            event_log = None
            if watch_events is not None:
                event_log = await watch_events.open(nats_url)
                exits.push_async_callback(event_log.close)
            url = await exits.enter_async_context(serve(app, port=port))
            http = await exits.enter_async_context(
                httpx.AsyncClient(base_url=url, timeout=http_timeout)
            )
            yield cls(url, service_settings, app, http, database, tokendealer, event_log)
