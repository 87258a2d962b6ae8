"""Events published by the ``tokendealer`` service.

``SessionRevoked`` is defined in the kit (every service refuses the revoked
session's access tokens, and the kit cannot import this package); this is its
public home.
"""

from __future__ import annotations

from runnerly_kit.auth.events import SessionRevoked

__all__ = ["SessionRevoked"]
