"""Is a state-changing request the dashboard's own page speaking? (pure rules)

Two checks, both required (OWASP's CSRF cheat sheet): the request names an
origin we serve the app from (``Origin``, else ``Referer``; a request with
neither is refused, as is ``Origin: null``), and it carries the session's
CSRF token in ``X-CSRF-Token``. A page on another site can make the browser
send the cookie, but can neither read the token nor forge the ``Origin``.
"""

from __future__ import annotations

import hmac
from collections.abc import Collection, Mapping

from runnerly_dashboard.settings import origin_of

CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def refusal(
    headers: Mapping[str, str], trusted_origins: Collection[str], expected_token: str | None
) -> str | None:
    """Why the request must be refused (a sentence for the app), or None when it may proceed."""
    origin = headers.get("origin")
    if origin is None:
        referer = headers.get("referer")
        origin = origin_of(referer) if referer else None
    if origin is None or origin.lower() == "null":
        return "The request does not say which page sent it (no Origin or Referer header)."
    if origin_of(origin) not in trusted_origins:
        return "The request comes from a page of another site."
    token = headers.get(CSRF_HEADER, "")
    if expected_token is None or not token:
        return "The request carries no CSRF token: load the session first (GET /bff/v1/session)."
    if not hmac.compare_digest(token.encode(), expected_token.encode()):
        return "The request's CSRF token is not this session's."
    return None
