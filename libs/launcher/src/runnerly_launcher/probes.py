"""Is it up? A service answers ``GET /readyz`` with 200; the broker greets with NATS ``INFO``,
the mail server with SMTP ``220``.

The probes use the standard library's HTTP client: an HTTP client package
would be the biggest import of ``runnerly up``, which runs for hours.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

NATS_DEFAULT_PORT = 4222
PROBE_TIMEOUT_SECONDS = 2.0
#: A probe's answer is a small JSON body; anything longer is cut here.
_MAX_RESPONSE_BYTES = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Health:
    """One component's state, as ``runnerly status`` reports it."""

    name: str
    url: str
    up: bool
    #: Why: ``ready``, ``HTTP 503 (database: unavailable: ...)``, ``connection refused``...
    detail: str
    #: A service's broker connection from its ``/healthz`` details (``connected``,
    #: ``disconnected``, ``not_used``); ``None`` when it does not say, and for non-services.
    broker: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        """The JSON form: name, url, health (``up`` or ``down``), detail and broker."""
        return {
            "name": self.name,
            "url": self.url,
            "health": "up" if self.up else "down",
            "detail": self.detail,
            "broker": self.broker,
        }

    @property
    def shown_detail(self) -> str:
        """The detail with the broker state when it matters (the table's last column)."""
        if self.broker is None or self.broker == "not_used":
            return self.detail
        return f"{self.detail}; broker {self.broker}"


def port_is_open(host: str, port: int, *, timeout: float = 0.5) -> bool:
    """True when something accepts TCP connections on ``host:port``."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


async def port_accepts(host: str, port: int) -> bool:
    """:func:`port_is_open`, without blocking the event loop."""
    try:
        async with asyncio.timeout(0.5):
            _reader, writer = await asyncio.open_connection(host, port)
    except (OSError, TimeoutError):
        return False
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return True


def public_url(url: str) -> str:
    """``url`` without user name or password, fit for printing."""
    parts = []
    for server in url.split(","):
        split = urlsplit(server.strip())
        netloc = split.netloc.rpartition("@")[2]
        parts.append(split._replace(netloc=netloc).geturl())
    return ",".join(parts)


class HttpProbeError(Exception):
    """The server's answer was not HTTP."""


async def http_get(base_url: str, path: str) -> tuple[int, Any]:
    """``GET base_url + path`` on a fresh connection; the status and the JSON body (or None)."""
    # The standard library's client, on a thread: an HTTP client package would be
    # the biggest import of ``runnerly up``, which runs for hours.
    return await asyncio.to_thread(_get, base_url, path)


def _get(base_url: str, path: str) -> tuple[int, Any]:
    split = urlsplit(base_url)
    connection = http.client.HTTPConnection(
        split.hostname or "127.0.0.1", split.port or 80, timeout=PROBE_TIMEOUT_SECONDS
    )
    try:
        connection.request(
            "GET", f"{split.path.rstrip('/')}{path}", headers={"Accept": "application/json"}
        )
        response = connection.getresponse()
        body = response.read(_MAX_RESPONSE_BYTES)
    except http.client.HTTPException as exc:
        raise HttpProbeError("not an HTTP server") from exc
    finally:
        connection.close()
    try:
        document = json.loads(body) if body else None
    except ValueError:
        document = None
    return response.status, document


async def check_service(name: str, base_url: str) -> Health:
    """GET ``/readyz`` (up when it answers 200) and ``/healthz`` (the broker state), at once."""
    answers: tuple[tuple[int, Any] | BaseException, ...] = await asyncio.gather(
        http_get(base_url, "/readyz"), http_get(base_url, "/healthz"), return_exceptions=True
    )
    ready, health = answers
    broker = _broker_state(health)
    if isinstance(ready, BaseException):
        if not isinstance(ready, Exception):
            raise ready
        return Health(name, base_url, up=False, detail=_describe(ready), broker=broker)
    status, body = ready
    if status == 200:
        return Health(name, base_url, up=True, detail="ready", broker=broker)
    return Health(name, base_url, up=False, detail=f"HTTP {status}{_checks(body)}", broker=broker)


def _broker_state(health: tuple[int, Any] | BaseException) -> str | None:
    # The kit's /healthz says {"details": {"broker": ...}}; an older service says nothing.
    if isinstance(health, BaseException):
        return None
    _status, body = health
    details = body.get("details") if isinstance(body, dict) else None
    state = details.get("broker") if isinstance(details, dict) else None
    return state if isinstance(state, str) else None


async def check_broker(url: str, *, name: str = "broker") -> Health:
    """Connect to the first server of a NATS URL and read its ``INFO`` greeting."""
    shown = public_url(url)
    split = urlsplit(url.split(",", maxsplit=1)[0].strip())
    host, port = split.hostname or "127.0.0.1", split.port or NATS_DEFAULT_PORT
    try:
        greeting = await _greeting(host, port)
    except (OSError, TimeoutError) as exc:
        return Health(name, shown, up=False, detail=_describe(exc))
    if not greeting.startswith(b"INFO "):
        return Health(name, shown, up=False, detail="not a NATS server")
    return Health(name, shown, up=True, detail=_nats_version(greeting[5:]))


async def check_smtp(host: str, port: int, *, name: str = "mail") -> Health:
    """Connect to an SMTP server and read its ``220`` greeting (then say ``QUIT``)."""
    url = f"smtp://{host}:{port}"
    try:
        greeting = await _greeting(host, port, farewell=b"QUIT\r\n")
    except (OSError, TimeoutError) as exc:
        return Health(name, url, up=False, detail=_describe(exc))
    if not greeting.startswith(b"220"):
        return Health(name, url, up=False, detail="not an SMTP server")
    return Health(name, url, up=True, detail="accepting mail")


async def _greeting(host: str, port: int, *, farewell: bytes = b"") -> bytes:
    """The first line a server sends on connecting (NATS and SMTP both speak first)."""
    writer: asyncio.StreamWriter | None = None
    try:
        async with asyncio.timeout(PROBE_TIMEOUT_SECONDS):
            reader, writer = await asyncio.open_connection(host, port)
            greeting = await reader.readline()
            if farewell:
                # Leaving politely spares the server a "connection lost" line in its log.
                writer.write(farewell)
                await writer.drain()
            return greeting
    finally:
        if writer is not None:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()


def _nats_version(info: bytes) -> str:
    try:
        version = json.loads(info).get("version", "")
    except (ValueError, AttributeError):
        version = ""
    return f"nats-server {version}".strip()


def _checks(body: Any) -> str:
    # The kit's /readyz names each failing dependency; show them to the operator.
    checks = body.get("checks") if isinstance(body, dict) else None
    if not isinstance(checks, dict):
        return ""
    failing = [f"{name}: {state}" for name, state in checks.items() if state not in _FINE]
    return f" ({', '.join(failing)})" if failing else ""


#: Check values that are not a reason for being down (interfaces: ok, not_needed).
_FINE = frozenset({"ok", "not_needed"})


def _describe(exc: BaseException) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, TimeoutError):
        return "no answer (timeout)"
    if isinstance(exc, HttpProbeError):
        return str(exc)
    if isinstance(exc, OSError):
        return "cannot connect"
    return f"unreachable ({type(exc).__name__})"
