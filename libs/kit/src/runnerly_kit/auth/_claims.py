"""What a verified access token says: who calls, with which scopes, until when."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

#: The scope the tokendealer puts in every runner's (end user's) access token.
RUNNER_SCOPE = "runner"


@dataclass(frozen=True)
class Claims:
    """The verified claims of one access token.

    ``subject`` is the runner's id in a runner's token and the client id in a
    service's token (client-credentials grant).
    """

    subject: str
    scopes: frozenset[str]
    expires_at: datetime
    token_id: str
    client_id: str | None
    #: Every claim as sent, read-only; left out of repr so a log line never carries it.
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> Claims:
        """Claims from a payload whose signature and registered claims were already checked."""
        client_id = payload.get("client_id")
        return cls(
            subject=str(payload["sub"]),
            scopes=_scopes(payload.get("scope", ())),
            expires_at=datetime.fromtimestamp(payload["exp"], UTC),
            token_id=str(payload["jti"]),
            client_id=client_id if isinstance(client_id, str) else None,
            raw=MappingProxyType(dict(payload)),
        )

    def has_scope(self, scope: str) -> bool:
        """True when the token grants ``scope``."""
        return scope in self.scopes

    def has_scopes(self, scopes: Iterable[str]) -> bool:
        """True when the token grants every one of ``scopes``."""
        return self.scopes.issuperset(scopes)

    @property
    def is_runner(self) -> bool:
        """True for a runner's token, false for a service's."""
        return RUNNER_SCOPE in self.scopes


@dataclass(frozen=True)
class Runner:
    """The runner making the request (from a runner's access token)."""

    id: str
    claims: Claims = field(repr=False, compare=False)


def _scopes(value: Any) -> frozenset[str]:
    # RFC 8693 §4.2 / RFC 9068: a space-separated string; a JSON list is accepted too.
    if isinstance(value, str):
        return frozenset(value.split())
    if isinstance(value, list | tuple):
        return frozenset(item for item in value if isinstance(item, str))
    return frozenset()
