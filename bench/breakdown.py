"""Where an authenticated request's time goes, in microseconds, without the network.

Run: ``uv run python -m bench.breakdown``. Each app is called through ASGI
directly (no sockets, no uvicorn), best of five rounds, so what is left is the
app's own cost per request: bare FastAPI, then the kit's app with and without
its access log (``--log-level WARNING`` turns it off), with and without a
token; and the token verifier alone, on a cache hit and on a full signature
check.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from jwt.algorithms import OKPAlgorithm

from runnerly_kit.auth import TokenVerifier
from runnerly_kit.testing.servers import serve

ISSUER, AUDIENCE = "runnerly-tokendealer", "runnerly"
REQUESTS, ROUNDS = 4000, 5


def _key_and_token() -> tuple[dict[str, Any], str]:
    key = Ed25519PrivateKey.generate()
    jwk = OKPAlgorithm.to_jwk(key.public_key(), as_dict=True) | {"kid": "k1", "alg": "EdDSA"}
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "bench", "scope": "runs:write",
              "iat": now, "nbf": now, "exp": now + 900, "jti": "j"}  # fmt: skip
    return jwk, jwt.encode(claims, key, algorithm="EdDSA", headers={"kid": "k1"})


async def _start(app: Any) -> asyncio.Task[None]:
    inbox: asyncio.Queue[dict[str, str]] = asyncio.Queue()
    outbox: asyncio.Queue[dict[str, str]] = asyncio.Queue()
    await inbox.put({"type": "lifespan.startup"})
    task = asyncio.create_task(app({"type": "lifespan"}, inbox.get, outbox.put))
    message = await outbox.get()
    assert message["type"] == "lifespan.startup.complete", message
    return task


async def _per_request(app: Any, path: str, headers: dict[str, str]) -> float:
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80),
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
    }  # fmt: skip
    statuses: set[int] = set()

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.add(message["status"])

    best = float("inf")
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for _ in range(REQUESTS):
            await app(dict(scope), receive, send)
        best = min(best, (time.perf_counter() - started) / REQUESTS * 1e6)
    assert statuses == {200}, statuses
    return best


async def _timed(call: Callable[[], Awaitable[object]], n: int = 2000) -> float:
    started = time.perf_counter()
    for _ in range(n):
        await call()
    return (time.perf_counter() - started) / n * 1e6


async def main(level: str) -> None:
    jwk, token = _key_and_token()
    jwks = FastAPI()

    @jwks.get("/jwks")
    async def keys() -> dict[str, object]:
        return {"keys": [jwk]}

    bearer = {"Authorization": f"Bearer {token}"}
    async with serve(jwks) as url, httpx.AsyncClient() as http:
        os.environ["BENCH_JWKS_URL"] = f"{url}/jwks"
        os.environ["BENCH_DATABASE_URL"] = "sqlite+aiosqlite:///:memory:"
        from bench.apps import authed, bare  # after the environment is set

        rows = [("bare FastAPI, same body", await _per_request(bare(), "/v1/whoami", {}))]
        os.environ["BENCH_LOG_LEVEL"] = level
        app = authed()
        task = await _start(app)
        log = "with access log" if level == "INFO" else "no access log"
        rows.append((f"kit, no token, {log}", await _per_request(app, "/v1/anonymous", {})))
        rows.append((f"kit, bearer token, {log}", await _per_request(app, "/v1/whoami", bearer)))
        task.cancel()
        verifier = TokenVerifier(
            f"{url}/jwks", issuer=ISSUER, audience=AUDIENCE, algorithms=["EdDSA"], http=http
        )
        await verifier.verify(token)
        rows.append(
            ("TokenVerifier.verify, cached token", await _timed(lambda: verifier.verify(token)))
        )
        fresh = TokenVerifier(
            f"{url}/jwks", issuer=ISSUER, audience=AUDIENCE, algorithms=["EdDSA"], http=http,
            cache_size=1,
        )  # fmt: skip
        await fresh.verify(token)
        rows.append(("TokenVerifier signature check (no cache)", await _timed(
            lambda: fresh._verify_signed(token)  # the uncached path itself
        )))  # fmt: skip
    table = ["| what | µs per request |", "|---|---:|"]
    table += [f"| {name} | {micros:.1f} |" for name, micros in rows]
    print("\n".join(table), file=sys.__stdout__)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    # Loggers are configured once per process (as in a service), so the
    # access log's cost is measured by running again with --log-level WARNING.
    parser.add_argument("--log-level", default="INFO", choices=["INFO", "WARNING"])
    level = parser.parse_args().log_level
    # The services log to stdout; in a deployment that is a file or a pipe
    # read by a collector, not a terminal, so here it goes to /dev/null.
    with open(os.devnull, "w") as sink:
        sys.stdout = sink
        asyncio.run(main(level))
