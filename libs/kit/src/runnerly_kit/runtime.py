"""The typed state of a running service, created in the lifespan and handed out to requests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, TypeVar

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


class Components:
    """A service's own objects (a key ring, a password hasher...), one per type.

    Keyed by type rather than by name, so that ``components.get(KeyRing)`` is
    a ``KeyRing`` to mypy: no string key to mistype, no cast at the call site.
    A service adds them in a start-up hook and reads them through typed
    accessors in its ``dependencies.py``.
    """

    def __init__(self) -> None:
        self._by_type: dict[type[object], object] = {}

    def add(self, component: object) -> None:
        """Hold ``component`` under its own class; a second one of the same class is a bug."""
        cls = type(component)
        if cls in self._by_type:
            raise ValueError(f"the runtime already holds a {cls.__name__}")
        self._by_type[cls] = component

    def get(self, cls: type[T]) -> T:
        """The component of class ``cls``; a KeyError names it when no start-up hook added it."""
        component = self._by_type.get(cls)
        if not isinstance(component, cls):
            raise KeyError(f"the runtime holds no {cls.__name__} (added by a start-up hook?)")
        return component

    def __contains__(self, cls: object) -> bool:
        return cls in self._by_type


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
    #: The service's own objects (a key ring, a mail transport...), added by start-up hooks.
    components: Components = field(default_factory=Components)

    def settings_as(self, cls: type[S]) -> S:
        """The settings as the service's own class (its own fields typed)."""
        if not isinstance(self.settings, cls):
            raise TypeError(f"the runtime's settings are not {cls.__name__}")
        return self.settings


def get_runtime(request: Request) -> Runtime:
    """The runtime of the app serving this request."""
    runtime: Runtime = request.app.state.runtime
    return runtime


async def _runtime(request: Request) -> Runtime:
    # async on purpose: FastAPI runs a plain ``def`` dependency in its thread
    # pool, a thread hop per request for a dictionary lookup.
    return get_runtime(request)


RuntimeDep = Annotated[Runtime, Depends(_runtime)]
