"""``runnerly status``: the health of the broker, the mail server and each service, as a table
or as JSON."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Sequence

from runnerly_launcher.config import LauncherConfig, ServiceEndpoint
from runnerly_launcher.probes import Health, check_broker, check_service, check_smtp

_POLL_INTERVAL_SECONDS = 0.1


async def check_all(config: LauncherConfig, endpoints: Sequence[ServiceEndpoint]) -> list[Health]:
    """The broker first, then the mail server, then each service, all probed at once."""
    return list(
        await asyncio.gather(
            check_broker(config.nats_url),
            check_smtp(*config.smtp_address),
            *(check_service(e.name, e.url) for e in endpoints),
        )
    )


async def wait_until_ready(
    config: LauncherConfig, endpoints: Sequence[ServiceEndpoint], *, give_up_after: float
) -> list[Health]:
    """Probe until all is up or ``give_up_after`` seconds pass (cancel the task to stop early)."""
    deadline = time.monotonic() + give_up_after
    while True:
        healths = await check_all(config, endpoints)
        if all(h.up for h in healths) or time.monotonic() >= deadline:
            return healths
        await asyncio.sleep(_POLL_INTERVAL_SECONDS)


def render_table(healths: Sequence[Health]) -> str:
    """An aligned text table: name, URL, health and detail (with the broker state)."""
    rows = [("NAME", "URL", "HEALTH", "DETAIL")]
    rows += [(h.name, h.url, "up" if h.up else "DOWN", h.shown_detail) for h in healths]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [
        "  ".join([*(cell.ljust(width) for cell, width in zip(row, widths, strict=False)), row[3]])
        for row in rows
    ]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def render_json(healths: Sequence[Health]) -> str:
    """``{"healthy": bool, "services": [{"name", "url", "health", "detail", "broker"}, ...]}``."""
    body = {"healthy": all(h.up for h in healths), "services": [h.as_dict() for h in healths]}
    return json.dumps(body, indent=2) + "\n"
