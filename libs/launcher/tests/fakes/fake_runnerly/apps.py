"""The fake services' apps: ``/readyz`` like a real service, and ``/env`` to show their inputs."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import smtplib
import sqlite3
from collections.abc import AsyncIterator
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

_SQLITE_PREFIX = "sqlite+aiosqlite:///"


def create_alpha() -> Starlette:
    """``alpha``: has a database (migrated by the launcher) and uses the broker."""
    return _create("ALPHA_", has_database=True)


def create_beta() -> Starlette:
    """``beta``: no database, uses the broker."""
    return _create("BETA_", has_database=False)


def create_courier() -> Starlette:
    """``courier``: sends mail (``POST /send-mail``) to the SMTP server it was given."""
    return _create("COURIER_", has_database=False, sends_mail=True)


def _create(prefix: str, *, has_database: bool, sends_mail: bool = False) -> Starlette:
    if os.environ.get(f"{prefix}FAIL_AT_START"):
        raise RuntimeError(f"{prefix}FAIL_AT_START is set")

    async def readyz(_request: Request) -> JSONResponse:
        checks = {"broker": await _broker_answers(os.environ[f"{prefix}NATS_URL"])}
        if has_database:
            checks["database"] = _migrated(os.environ[f"{prefix}DATABASE_URL"])
        ready = all(state == "ok" for state in checks.values())
        return JSONResponse({"checks": checks}, status_code=200 if ready else 503)

    async def env(_request: Request) -> JSONResponse:
        # Values are hashed: the test asks "is this secret anywhere in my
        # environment?" without the fake ever echoing a secret back.
        return JSONResponse(
            {
                "names": sorted(os.environ),
                "value_hashes": sorted({_sha256(value) for value in os.environ.values()}),
                "settings": {
                    name: value
                    for name, value in os.environ.items()
                    if name.startswith(prefix) and not name.endswith("SECRET")
                },
                "client_secret_sha256": _sha256(os.environ.get(f"{prefix}CLIENT_SECRET", "")),
            }
        )

    async def send_mail(request: Request) -> JSONResponse:
        body = await request.json()
        message = EmailMessage()
        message["From"] = "courier@runnerly.test"
        message["To"] = body["to"]
        message["Subject"] = body["subject"]
        message.set_content(body["text"])
        host, port = os.environ[f"{prefix}SMTP_HOST"], int(os.environ[f"{prefix}SMTP_PORT"])
        await asyncio.to_thread(_send, host, port, message)
        return JSONResponse({"sent": True})

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        yield
        # <PREFIX>STOP_SECONDS: a service slow to stop, like one flushing its outbox;
        # it writes <PREFIX>STOPPED_FILE once it has finished.
        await asyncio.sleep(float(os.environ.get(f"{prefix}STOP_SECONDS", "0")))
        if stopped_file := os.environ.get(f"{prefix}STOPPED_FILE"):
            await asyncio.to_thread(Path(stopped_file).write_text, "stopped cleanly\n")

    routes = [Route("/readyz", readyz), Route("/env", env)]
    if sends_mail:
        routes.append(Route("/send-mail", send_mail, methods=["POST"]))
    return Starlette(routes=routes, lifespan=lifespan)


def _send(host: str, port: int, message: EmailMessage) -> None:
    with smtplib.SMTP(host, port, timeout=10) as client:
        client.send_message(message)


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


async def _broker_answers(url: str) -> str:
    split = urlsplit(url)
    try:
        _reader, writer = await asyncio.open_connection(split.hostname, split.port)
    except OSError as exc:
        return f"unavailable: {type(exc).__name__}"
    writer.close()
    return "ok"


def _migrated(url: str) -> str:
    path = url.removeprefix(_SQLITE_PREFIX)
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            connection.execute("SELECT count(*) FROM greeting").fetchone()
    except sqlite3.Error as exc:
        return f"unavailable: {exc}"
    return "ok"
