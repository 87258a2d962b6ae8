"""Each uploaded file goes to runs' ``POST /v1/runs/imports`` on its own.

runs refuses a whole upload when one file is unreadable; sent one by one,
the good files are stored and each bad one comes back ``refused`` with runs'
reason, which the app shows next to the file. A file is read from the
upload's spooled temporary file in chunks as it is sent (never whole in
memory). Any other error of runs (down, the session revoked) ends the upload
with that error; the files sent before it are stored.
"""

from __future__ import annotations

from typing import Any, BinaryIO

from runnerly_dashboard.dependencies import Context
from runnerly_dashboard.imports.schemas import ImportResult
from runnerly_dashboard.peers import Caller
from runnerly_kit.errors import RunnerlyError

#: runs' answers about the file itself (as opposed to the request or the service).
_REFUSALS = frozenset({413, 415, 422})


async def import_file(
    context: Context, caller: Caller, filename: str, content: BinaryIO, media_type: str
) -> list[ImportResult]:
    """Send one file to runs; its runs, or its refusal."""
    content.seek(0)
    try:
        body: dict[str, Any] = await context.parts.runs.json(
            "POST",
            "/v1/runs/imports",
            caller=caller,
            files={"files": (filename, content, media_type or "application/octet-stream")},
        )
    except RunnerlyError as refused:
        if refused.status_code not in _REFUSALS:
            raise
        return [ImportResult(filename=filename, status="refused", reason=refused.message)]
    return [
        ImportResult(filename=run["filename"], status=run["status"], run_id=run["run_id"])
        for run in body["runs"]
    ]
