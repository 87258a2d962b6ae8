"""``runnerly status``: the health of the broker, the mail server and each service, as a table
or as JSON."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Sequence

import httpx

from runnerly_launcher.config import LauncherConfig, ServiceEndpoint
from runnerly_launcher.probes import Health, check_broker, check_service, check_smtp

_POLL_INTERVAL_SECONDS = 0.25


async def check_all(config: LauncherConfig, endpoints: Sequence[ServiceEndpoint]) -> list[Health]:
    """The broker first, then the mail server, then each service, all probed at once."""
    # trust_env=False: a developer's HTTP_PROXY must not capture calls to loopback.
    async with httpx.AsyncClient(trust_env=False) as client:
        return await _probe(client, config, endpoints)


async def wait_until_ready(
    config: LauncherConfig,
    endpoints: Sequence[ServiceEndpoint],
    *,
    give_up_after: float,
    stopping: threading.Event | None = None,
) -> list[Health]:
    """Probe until all is up, ``give_up_after`` seconds pass or ``stopping`` is set."""
    deadline = time.monotonic() + give_up_after
    async with httpx.AsyncClient(trust_env=False) as client:
        while True:
            healths = await _probe(client, config, endpoints)
            if all(h.up for h in healths) or time.monotonic() >= deadline:
                return healths
            if stopping is not None and stopping.is_set():
                return healths
            await asyncio.sleep(_POLL_INTERVAL_SECONDS)


async def _probe(
    client: httpx.AsyncClient, config: LauncherConfig, endpoints: Sequence[ServiceEndpoint]
) -> list[Health]:
    return list(
        await asyncio.gather(
            check_broker(config.nats_url),
            check_smtp(*config.smtp_address),
            *(check_service(client, e.name, e.url) for e in endpoints),
        )
    )


def render_table(healths: Sequence[Health]) -> str:
    """An aligned text table: name, URL, health and detail."""
    rows = [("NAME", "URL", "HEALTH", "DETAIL")]
    rows += [(h.name, h.url, "up" if h.up else "DOWN", h.detail) for h in healths]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [
        "  ".join([*(cell.ljust(width) for cell, width in zip(row, widths, strict=False)), row[3]])
        for row in rows
    ]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def render_json(healths: Sequence[Health]) -> str:
    """``{"healthy": bool, "services": [{"name", "url", "health", "detail"}, ...]}``."""
    body = {"healthy": all(h.up for h in healths), "services": [h.as_dict() for h in healths]}
    return json.dumps(body, indent=2) + "\n"
