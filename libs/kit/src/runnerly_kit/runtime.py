"""The typed state of a running service, created in the lifespan and handed out to requests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from fastapi import Depends, Request
from prometheus_client import CollectorRegistry

if TYPE_CHECKING:
    from runnerly_kit.auth import RevocationList, TokenVerifier
    from runnerly_kit.db import Database
    from runnerly_kit.events import Broker, OutboxRelay
    from runnerly_kit.http import ServiceClient
    from runnerly_kit.settings import ServiceSettings


T = TypeVar("T")
S = TypeVar("S", bound="ServiceSettings")


@dataclass
class Runtime:
    """Everything a service holds open while it runs. Built only by the lifespan."""

    settings: ServiceSettings
    registry: CollectorRegistry
    db: Database
    http: ServiceClient
    verifier: TokenVerifier
    broker: Broker | None = None
    relay: OutboxRelay | None = None
    #: Tokens revoked before their expiry; checked by the bearer dependencies.
    revocations: RevocationList | None = None
    #: Service-specific objects (a key ring, a mail transport...), set in startup hooks.
    extras: dict[str, Any] = field(default_factory=dict)

    def settings_as(self, cls: type[S]) -> S:
        """The settings as the service's own class (its own fields typed)."""
        if not isinstance(self.settings, cls):
            raise TypeError(f"the runtime's settings are not {cls.__name__}")
        return self.settings

    def component(self, key: str, cls: type[T]) -> T:
        """A service-specific object set at start-up, checked to be what the caller expects."""
        value = self.extras[key]
        if not isinstance(value, cls):
            raise TypeError(f"runtime extra {key!r} is not a {cls.__name__}")
        return value


def get_runtime(request: Request) -> Runtime:
    """The runtime of the app serving this request."""
    runtime: Runtime = request.app.state.runtime
    return runtime


async def _runtime(request: Request) -> Runtime:
    # async on purpose: FastAPI runs a plain ``def`` dependency in its thread
    # pool, a thread hop per request for a dictionary lookup.
    return get_runtime(request)


RuntimeDep = Annotated[Runtime, Depends(_runtime)]
