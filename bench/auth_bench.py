"""Benchmark: the token endpoint, and a JWKS-verified request, each beside bare FastAPI.

Run: ``uv run python -m bench.auth_bench`` (or ``make bench``). Writes the
figures to ``bench/results/auth.json`` and prints the table for RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import platform
import secrets
import tempfile
from pathlib import Path

import httpx

from bench.harness import LoadResult, save_results, uvicorn_server, wrk
from runnerly_kit.migrations import migrate_service
from runnerly_kit.testing.nats import NatsServer
from runnerly_tokendealer.manifest import MANIFEST
from runnerly_tokendealer.settings import hash_client_secret

CLIENT_ID = "bench"


def _tokendealer_env(data: Path, nats_url: str, secret: str) -> dict[str, str]:
    clients = [
        {
            "client_id": CLIENT_ID,
            "secret_hash": hash_client_secret(secret),
            "scopes": ["runs:write", "users:read"],
        }
    ]
    return {
        "TOKENDEALER_DATABASE_URL": f"sqlite+aiosqlite:///{data / 'tokendealer.db'}",
        "TOKENDEALER_NATS_URL": nats_url,
        "TOKENDEALER_CLIENTS": json.dumps(clients),
        "TOKENDEALER_KEY_ENCRYPTION_SECRET": secrets.token_urlsafe(32),
        "TOKENDEALER_LOG_LEVEL": "INFO",
    }


def run(seconds: int, connections: int) -> dict[str, object]:
    """Measure the four endpoints in one run and return the figures."""
    results: list[LoadResult] = []
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        nats = NatsServer(store_dir=data / "nats")
        nats.start()
        secret = secrets.token_urlsafe(32)
        env = _tokendealer_env(data, nats.url, secret)
        asyncio.run(migrate_service(MANIFEST.migrations_dir, env["TOKENDEALER_DATABASE_URL"]))
        basic = base64.b64encode(f"{CLIENT_ID}:{secret}".encode()).decode()
        form = "grant_type=client_credentials"
        try:
            with (
                uvicorn_server(MANIFEST.app_factory, env=env) as tokendealer,
                uvicorn_server("bench.apps:bare", env={}) as bare,
            ):
                token = httpx.post(
                    f"{tokendealer}/oauth/token",
                    content=form,
                    headers={
                        "Authorization": f"Basic {basic}",
                        "Content-Type": "application/x-www-form-urlencoded",
                    },
                ).json()["access_token"]
                authed_env = {
                    "BENCH_JWKS_URL": f"{tokendealer}/.well-known/jwks.json",
                    "BENCH_DATABASE_URL": f"sqlite+aiosqlite:///{data / 'bench.db'}",
                    "BENCH_LOG_LEVEL": os.environ.get("BENCH_LOG_LEVEL", "INFO"),
                }
                with uvicorn_server("bench.apps:authed", env=authed_env) as authed:
                    results = [
                        wrk(
                            "bare POST /oauth/token",
                            f"{bare}/oauth/token",
                            form_body=form,
                            seconds=seconds,
                            connections=connections,
                        ),
                        wrk(
                            "tokendealer POST /oauth/token",
                            f"{tokendealer}/oauth/token",
                            form_body=form,
                            headers={"Authorization": f"Basic {basic}"},
                            seconds=seconds,
                            connections=connections,
                        ),
                        wrk(
                            "bare GET /v1/whoami",
                            f"{bare}/v1/whoami",
                            seconds=seconds,
                            connections=connections,
                        ),
                        wrk(
                            "kit GET /v1/anonymous (no token)",
                            f"{authed}/v1/anonymous",
                            seconds=seconds,
                            connections=connections,
                        ),
                        wrk(
                            "kit GET /v1/whoami (JWKS-verified bearer)",
                            f"{authed}/v1/whoami",
                            headers={"Authorization": f"Bearer {token}"},
                            seconds=seconds,
                            connections=connections,
                        ),
                    ]
        finally:
            nats.stop()
    bare_token, real_token, bare_whoami, kit_anonymous, real_whoami = results

    def ratio(real: LoadResult, bare: LoadResult) -> float:
        return real.requests_per_second / bare.requests_per_second

    return {
        "machine": f"{platform.machine()} Python {platform.python_version()}",
        "load": f"wrk -t1 -c{connections} -d{seconds}s",
        "results": [r.__dict__ for r in results],
        "ratios": {
            "token_endpoint_vs_bare": ratio(real_token, bare_token),
            "kit_without_token_vs_bare": ratio(kit_anonymous, bare_whoami),
            "authenticated_vs_bare": ratio(real_whoami, bare_whoami),
            "authenticated_vs_kit_without_token": ratio(real_whoami, kit_anonymous),
        },
    }


def table(figures: dict[str, object]) -> str:
    """The figures as the Markdown table RESULTS.md shows."""
    rows = [LoadResult(**r).row() for r in figures["results"]]  # type: ignore[attr-defined]
    ratios = figures["ratios"]
    assert isinstance(ratios, dict)
    return "\n".join(
        [
            "| endpoint | requests/s | p50 ms | p99 ms | errors |",
            "|---|---:|---:|---:|---:|",
            *rows,
            "",
            f"- token endpoint / bare: **{ratios['token_endpoint_vs_bare']:.2f}**",
            f"- kit without a token / bare: **{ratios['kit_without_token_vs_bare']:.2f}**",
            f"- authenticated request / bare: **{ratios['authenticated_vs_bare']:.2f}**"
            " (target ≥ 0.70)",
            "- authenticated request / kit without a token: "
            f"**{ratios['authenticated_vs_kit_without_token']:.2f}**",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    figures = run(args.seconds, args.connections)
    save_results("auth", figures)
    print(table(figures))


if __name__ == "__main__":
    main()
