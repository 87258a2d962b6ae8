"""Assemble "download my data" from every service in ``DASHBOARD_EXPORT_SERVICES``.

Each service's part (its document and the files it lists) is fetched with
the runner's own token and written into a zip spooled to a temporary file
(memory up to a few MiB, disk beyond), which is then streamed to the browser.
A service that cannot give its part fails the whole export (502
``export_incomplete`` naming the service): a zip that silently lacked a
service's data would be a lie.
A service joins the export by serving the kit's convention and being added
to the configuration; nothing here names one.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from collections.abc import AsyncIterator
from typing import IO

from pydantic import ValidationError

from runnerly_dashboard.dependencies import Context
from runnerly_dashboard.export import zipping
from runnerly_dashboard.export.schemas import ServiceExport
from runnerly_dashboard.peers import Caller, Peer, raise_for_peer
from runnerly_kit.errors import RunnerlyError, UpstreamError
from runnerly_kit.logs import get_logger

_log = get_logger("runnerly.dashboard.export")
_SPOOL_BYTES = 8 * 2**20
_CHUNK = 64 * 1024


def archive_name(context: Context) -> str:
    """``runnerly-export-<date>.zip``."""
    return f"runnerly-export-{context.now.date().isoformat()}.zip"


async def build(context: Context, caller: Caller) -> IO[bytes]:
    """The zip, in a temporary file positioned at its start (the caller closes it)."""
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES)  # noqa: SIM115
    try:
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            services = list(context.settings.export_services)
            for name in services:
                peer = Peer(name, context.settings.export_urls[name], context.parts.http)
                await _add_service(archive, peer, caller)
            summary = {
                "runner_id": caller.runner_id,
                "exported_at": context.now.isoformat(),
                "services": services,
            }
            archive.writestr("export.json", json.dumps(summary, indent=2))
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    _log.info("export_built", runner_id=caller.runner_id, services=len(services))
    return spool


async def _add_service(archive: zipfile.ZipFile, peer: Peer, caller: Caller) -> None:
    try:
        body = await peer.json("GET", f"/v1/runners/{caller.runner_id}/export", caller=caller)
    except RunnerlyError as error:
        if error.status_code == 401:  # the runner's session ended: theirs to log in again
            raise
        raise _unreadable(peer, f"its export answered {error.status_code}") from error
    try:
        part = ServiceExport.model_validate(body)
    except ValidationError as exc:
        raise _unreadable(peer, "its export does not follow the convention") from exc
    if part.runner_id != caller.runner_id:
        raise _unreadable(peer, "its export is another runner's")
    archive.writestr(zipping.document_name(peer.name), json.dumps(body, indent=2))
    taken: set[str] = set()
    for item in part.files:
        if not zipping.same_service_path(item.href):
            raise _unreadable(peer, "a file of its export is not on the service itself")
        entry = zipping.file_name(peer.name, item.name, taken)
        await _add_file(archive, peer, caller, item.href, entry)


async def _add_file(
    archive: zipfile.ZipFile, peer: Peer, caller: Caller, href: str, entry: str
) -> None:
    url = f"{peer.url.rstrip('/')}{href}"
    async with peer.http.raw.stream("GET", url, headers=caller.authorization) as response:
        if response.status_code != 200:
            await response.aread()
            if response.status_code == 401:
                raise_for_peer(response, peer.name)
            raise _unreadable(peer, f"a file of its export answered {response.status_code}")
        with archive.open(entry, "w") as target:
            async for chunk in response.aiter_bytes(_CHUNK):
                target.write(chunk)


def _unreadable(peer: Peer, why: str) -> UpstreamError:
    _log.warning("export_part_refused", peer=peer.name, why=why)
    return UpstreamError(
        f"The {peer.name} service could not give its part of your data; try again later.",
        code="export_incomplete",
        details={"peer": peer.name},
    )


async def chunks(spool: IO[bytes]) -> AsyncIterator[bytes]:
    """The zip's bytes, read in chunks; the file is closed at the end (or on disconnect)."""
    try:
        while chunk := spool.read(_CHUNK):
            yield chunk
    finally:
        spool.close()
