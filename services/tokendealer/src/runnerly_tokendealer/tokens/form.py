"""Reading an OAuth2 request body: ``application/x-www-form-urlencoded``, strictly.

RFC 6749 §3.2 requires the form encoding and forbids repeating a parameter;
a body that breaks either is refused with ``invalid_request`` and nothing else
is looked at.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from fastapi import Request

from runnerly_kit.errors import PayloadTooLarge
from runnerly_tokendealer.tokens.errors import invalid_request

MAX_FORM_BYTES = 8 * 1024
FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"


async def read_form(request: Request) -> dict[str, str]:
    """The request's form parameters, each given once."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != FORM_MEDIA_TYPE:
        raise invalid_request(f"The body must be {FORM_MEDIA_TYPE}.")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise PayloadTooLarge(f"The form is larger than {MAX_FORM_BYTES} bytes.")
    try:
        pairs = parse_qsl(body.decode(), keep_blank_values=True, strict_parsing=bool(body))
    except (UnicodeDecodeError, ValueError):
        raise invalid_request("The form body is malformed.") from None
    form: dict[str, str] = {}
    for name, value in pairs:
        if name in form:
            raise invalid_request(f"The parameter {name!r} is repeated.")
        form[name] = value
    return form
