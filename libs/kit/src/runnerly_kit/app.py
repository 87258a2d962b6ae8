"""The app factory: one FastAPI app per service, built the same way for all of them.

Nothing here does I/O at import or construction time: the engine, the HTTP
client, the broker connection, the outbox relay and the event consumers are
created in the lifespan and closed in reverse order on shutdown, after uvicorn
has stopped accepting and no request is running any more (see
:mod:`runnerly_kit.shutdown`): workers and consumers stop, the outbox is
flushed to the broker, then the broker, HTTP client and database close.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from prometheus_client import CollectorRegistry

from runnerly_kit.auth import RevocationList, TokenVerifier, revocation_watcher
from runnerly_kit.db import Database
from runnerly_kit.events import Consumer, EventHandlers, NatsBroker, OutboxRelay
from runnerly_kit.events._metrics import event_metrics
from runnerly_kit.health import Readiness
from runnerly_kit.health import router as operations_router
from runnerly_kit.http import ServiceClient, ServiceTokenProvider
from runnerly_kit.http_errors import install_error_handlers
from runnerly_kit.logs import configure_logging, flush_periodically, get_logger
from runnerly_kit.logs import flush as flush_logs
from runnerly_kit.metrics import HttpMetrics
from runnerly_kit.middleware import RequestContextMiddleware
from runnerly_kit.openapi import install_openapi
from runnerly_kit.runtime import Runtime
from runnerly_kit.settings import Environment, ServiceSettings
from runnerly_kit.shutdown import Shutdown
from runnerly_kit.tracing import configure_tracing

Hook = Callable[[Runtime], Coroutine[Any, Any, None]]
# After uvicorn's grace for requests (--timeout-graceful-shutdown), the rest of
# a stop is bounded too, within the 15 s a process manager adds to that grace:
#: how long requests cut by uvicorn's timeout get to unwind,
REQUESTS_UNWIND_SECONDS = 2.0
#: how long workers and consumers get to stop once cancelled,
WORKERS_STOP_SECONDS = 3.0
#: and how long the outbox gets to reach the broker (it always gets its turn).
OUTBOX_FLUSH_SECONDS = 8.0
_log = get_logger("runnerly.app")


@dataclass(frozen=True)
class ServiceDefinition:
    """What makes one service different from another; the kit does the rest."""

    title: str
    version: str
    description: str = ""
    routers: Sequence[APIRouter] = ()
    #: Event consumers (each a named durable consumer on the broker).
    consumers: Sequence[EventHandlers] = ()
    #: Run once the runtime exists, before the first request (e.g. load keys).
    on_startup: Sequence[Hook] = ()
    #: Long-running loops (e.g. key rotation); cancelled on shutdown.
    workers: Sequence[Hook] = ()
    #: Scopes the service's own client asks for when calling its peers.
    client_scopes: Sequence[str] = ()
    uses_broker: bool = True
    #: Whether ``/readyz`` waits for the token keys (the JWKS). False for the
    #: token dealer, which signs with its own keys and so is never without them.
    needs_token_keys: bool = True
    openapi_tags: Sequence[dict[str, Any]] = field(default_factory=tuple)


async def _stop_workers(workers: list[asyncio.Task[None]], grace: float) -> None:
    """Cancel the workers and wait for them, at most ``grace`` seconds: a worker that
    does not stop must not keep the whole service from stopping."""
    for task in workers:
        task.cancel()
    if not workers:
        return
    done, stuck = await asyncio.wait(workers, timeout=grace)
    for task in done:
        if not task.cancelled() and task.exception() is not None:
            _log.error("worker_failed", exc_info=task.exception())
    for task in stuck:
        _log.error("worker_did_not_stop", worker=task.get_coro().__qualname__)  # type: ignore[union-attr]


def _freeze_heap() -> None:
    """Keep what lives as long as the process out of every later garbage collection.

    The modules, the app and the runtime are alive for good once the service
    has started; a file import allocates some twenty objects per GPS point and
    sets off full collections that would walk them all, a third of the
    import's time (bench/RESULTS.md). Not in tests, where one process starts
    many apps and freezing would keep each test's objects forever.
    """
    gc.collect()
    gc.freeze()


def create_app(settings: ServiceSettings, definition: ServiceDefinition) -> FastAPI:
    """Build the service's ASGI app. Cheap and side-effect free until it is served."""
    registry = CollectorRegistry(auto_describe=True)
    http_metrics = HttpMetrics(registry)
    shutdown = Shutdown()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = await _open_runtime(settings, definition, registry)
        app.state.runtime = runtime
        app.state.shutdown = shutdown
        app.state.readiness = Readiness(
            runtime.db, runtime.verifier if definition.needs_token_keys else None
        )
        runtime.revocations = RevocationList(retention=settings.revocation_retention_seconds)
        watcher = (
            None
            if runtime.broker is None
            else revocation_watcher(runtime.broker, runtime.revocations)
        )
        consumers = [
            Consumer(
                handlers,
                runtime.db,
                runtime.broker,
                registry=registry,
                service=settings.service_name,
            )
            for handlers in definition.consumers
            if runtime.broker is not None
        ]
        workers: list[asyncio.Task[None]] = [asyncio.create_task(flush_periodically())]
        try:
            if watcher is not None:
                watcher.start()
                # A process that just started learns recent revocations before serving
                # (bounded: a broker outage must not stop the service from starting).
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(settings.broker_connect_timeout_seconds):
                        await watcher.caught_up.wait()
            for hook in definition.on_startup:
                await hook(runtime)
            for consumer in consumers:
                consumer.start()
            workers += [asyncio.create_task(worker(runtime)) for worker in definition.workers]
            if settings.environment is not Environment.test:
                _freeze_heap()
            shutdown.watch_signals()
            _log.info("service_started", port=settings.port, environment=settings.environment)
            yield
        finally:
            shutdown.begin()
            shutdown.unwatch_signals()
            # uvicorn runs this once in-flight requests finished, or once it
            # cancelled them at its timeout without waiting: let those unwind
            # (roll back, answer 503) before the database closes under them.
            if not await shutdown.wait_idle(REQUESTS_UNWIND_SECONDS):
                _log.error("requests_still_running_at_shutdown")
            try:
                await _stop_workers(workers, WORKERS_STOP_SECONDS)
                await asyncio.gather(
                    *(consumer.stop(grace=WORKERS_STOP_SECONDS) for consumer in consumers)
                )
                if watcher is not None:
                    await watcher.stop()
            finally:
                await _close_runtime(runtime)
                _log.info("service_stopped")
                flush_logs()

    app = FastAPI(
        title=definition.title,
        version=definition.version,
        description=definition.description,
        lifespan=lifespan,
        generate_unique_id_function=_operation_id,
        openapi_tags=list(definition.openapi_tags) or None,
    )
    install_error_handlers(app)
    app.add_middleware(RequestContextMiddleware, metrics=http_metrics, shutdown=shutdown)
    # Routes are matched in order, at about 2 µs each (bench/RESULTS.md): the
    # service's own routes come before the probes that are called rarely.
    for router in definition.routers:
        app.include_router(router)
    app.include_router(operations_router)
    install_openapi(app)
    return app


def _operation_id(route: APIRoute) -> str:
    # Stable operation ids: the handler's name, which the tests keep unique per
    # service, so generated clients do not change when a path does.
    return route.name


async def _open_runtime(
    settings: ServiceSettings, definition: ServiceDefinition, registry: CollectorRegistry
) -> Runtime:
    configure_logging(
        service=settings.service_name, level=settings.log_level, json=settings.log_json
    )
    configure_tracing(
        service=settings.service_name, otlp_endpoint=settings.otel_exporter_otlp_endpoint
    )
    db = Database(
        settings.database_url,
        echo=settings.database_echo,
        schema=settings.database_schema or None,
    )
    token_provider = ServiceTokenProvider.from_settings(settings, scopes=definition.client_scopes)
    http = ServiceClient(
        timeout=settings.http_timeout_seconds,
        retries=settings.http_retries,
        token_provider=token_provider,
        peer_names=settings.peer_names(),
    )
    verifier = TokenVerifier(
        settings.jwks_url,
        issuer=settings.token_issuer,
        audience=settings.token_audience,
        algorithms=settings.jwt_algorithms,
        http=http.raw,
    )
    runtime = Runtime(settings=settings, registry=registry, db=db, http=http, verifier=verifier)
    if definition.uses_broker:
        broker = NatsBroker(
            settings.nats_url,
            client_name=settings.service_name,
            connect_timeout=settings.broker_connect_timeout_seconds,
        )
        await broker.start()
        runtime.broker = broker
        event_metrics(registry).broker_connected.set_function(
            lambda: 1.0 if broker.is_connected else 0.0
        )
        runtime.relay = OutboxRelay(db, broker, registry=registry)
        runtime.relay.start()
    return runtime


async def _close_runtime(runtime: Runtime) -> None:
    # The broker closes only after the outbox's final flush, the database last.
    try:
        if runtime.relay is not None:
            await runtime.relay.stop(flush_timeout=OUTBOX_FLUSH_SECONDS)
    finally:
        if runtime.broker is not None:
            await runtime.broker.close()
        await runtime.http.aclose()
        await runtime.db.dispose()
