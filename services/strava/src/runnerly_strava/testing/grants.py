"""The local Strava's OAuth state: authorization codes and the token pairs it issued.

As Strava does: an access token works until it expires or is revoked; a
refresh issues a new pair only when the access token expires within
:data:`REFRESH_WINDOW_SECONDS` (and then the old pair stops working),
otherwise it answers with the current pair.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any

#: Strava hands out a new access token only when the current one expires within this.
REFRESH_WINDOW_SECONDS = 3600


@dataclass
class Grant:
    """One access and refresh token pair of an athlete."""

    athlete_id: int
    access_token: str
    refresh_token: str
    expires_at: int
    scope: str
    revoked: bool = False

    def token_body(self) -> dict[str, Any]:
        """The body of ``/oauth/token``'s answer (without the athlete)."""
        return {
            "token_type": "Bearer",
            "expires_at": self.expires_at,
            "expires_in": max(0, self.expires_at - int(time.time())),
            "refresh_token": self.refresh_token,
            "access_token": self.access_token,
        }


@dataclass
class AuthorizationCode:
    """What an authorization code, once exchanged, grants."""

    athlete_id: int
    scope: str
    redirect_uri: str


class Grants:
    """Every code and token pair issued, and the athlete signed in for the next authorization."""

    def __init__(self) -> None:
        self.issued: list[Grant] = []
        self.codes: dict[str, AuthorizationCode] = {}
        #: (athlete id, scope granted, whether they click Cancel) for the next authorization.
        self.signed_in: tuple[int, str, bool] | None = None

    def new_code(self, athlete_id: int, scope: str, redirect_uri: str) -> str:
        """An authorization code for the athlete's consent."""
        code = secrets.token_hex(20)
        self.codes[code] = AuthorizationCode(athlete_id, scope, redirect_uri)
        return code

    def issue(self, athlete_id: int, scope: str, lifetime: int) -> Grant:
        """A new token pair, valid ``lifetime`` seconds."""
        grant = Grant(
            athlete_id=athlete_id,
            access_token=secrets.token_hex(20),
            refresh_token=secrets.token_hex(20),
            expires_at=int(time.time()) + lifetime,
            scope=scope,
        )
        self.issued.append(grant)
        return grant

    def refresh(self, refresh_token: str, lifetime: int) -> Grant | None:
        """The pair a refresh answers with; None for an unknown or revoked refresh token."""
        current = next(
            (g for g in self.issued if g.refresh_token == refresh_token and not g.revoked), None
        )
        if current is None:
            return None
        if current.expires_at - time.time() <= REFRESH_WINDOW_SECONDS:
            current.revoked = True
            current = self.issue(current.athlete_id, current.scope, lifetime)
        return current

    def by_access_token(self, token: str) -> Grant | None:
        """The unexpired, unrevoked pair of an access token."""
        return next(
            (
                g
                for g in self.issued
                if token
                and g.access_token == token
                and not g.revoked
                and g.expires_at > time.time()
            ),
            None,
        )

    def of(self, athlete_id: int) -> list[Grant]:
        """Every pair ever issued for the athlete."""
        return [grant for grant in self.issued if grant.athlete_id == athlete_id]
