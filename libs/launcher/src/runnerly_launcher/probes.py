"""Is it up? A service answers ``GET /readyz`` with 200; the broker greets with NATS ``INFO``,
the mail server with SMTP ``220``."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

NATS_DEFAULT_PORT = 4222
PROBE_TIMEOUT_SECONDS = 2.0


@dataclass(frozen=True, slots=True)
class Health:
    """One component's state, as ``runnerly status`` reports it."""

    name: str
    url: str
    up: bool
    #: Why: ``ready``, ``HTTP 503 (broker: unavailable: ...)``, ``connection refused``...
    detail: str

    def as_dict(self) -> dict[str, str]:
        """The JSON form: name, url, health (``up`` or ``down``) and detail."""
        return {
            "name": self.name,
            "url": self.url,
            "health": "up" if self.up else "down",
            "detail": self.detail,
        }


def port_is_open(host: str, port: int, *, timeout: float = 0.5) -> bool:
    """True when something accepts TCP connections on ``host:port``."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def public_url(url: str) -> str:
    """``url`` without user name or password, fit for printing."""
    parts = []
    for server in url.split(","):
        split = urlsplit(server.strip())
        netloc = split.netloc.rpartition("@")[2]
        parts.append(split._replace(netloc=netloc).geturl())
    return ",".join(parts)


async def check_service(client: httpx.AsyncClient, name: str, base_url: str) -> Health:
    """GET ``/readyz``: up when it answers 200."""
    try:
        response = await client.get(f"{base_url.rstrip('/')}/readyz", timeout=PROBE_TIMEOUT_SECONDS)
    except httpx.HTTPError as exc:
        return Health(name, base_url, up=False, detail=_describe(exc))
    if response.status_code == 200:
        return Health(name, base_url, up=True, detail="ready")
    detail = f"HTTP {response.status_code}{_checks(response)}"
    return Health(name, base_url, up=False, detail=detail)


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


def _checks(response: httpx.Response) -> str:
    # The kit's /readyz names each failing dependency; show them to the operator.
    try:
        body: Any = response.json()
        checks = body["checks"]
        failing = [f"{name}: {state}" for name, state in checks.items() if state != "ok"]
    except (ValueError, KeyError, TypeError, AttributeError):
        return ""
    return f" ({', '.join(failing)})" if failing else ""


def _describe(exc: BaseException) -> str:
    if _caused_by(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, httpx.ConnectError):
        return "cannot connect"
    if isinstance(exc, TimeoutError | httpx.TimeoutException):
        return "no answer (timeout)"
    return f"unreachable ({type(exc).__name__})"


def _caused_by(exc: BaseException | None, kind: type[BaseException]) -> bool:
    # httpx wraps the socket's error; the operator wants the root cause.
    for _ in range(8):  # bounded: exception chains can loop
        if exc is None:
            return False
        if isinstance(exc, kind):
            return True
        exc = exc.__cause__ or exc.__context__
    return False
