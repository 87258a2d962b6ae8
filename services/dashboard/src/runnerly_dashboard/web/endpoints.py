"""The app's files at ``/``: any GET that is not the API nor a file answers ``index.html``.

The router is mounted after every other route (the API, the probes), so it
only sees what nothing else claimed. An unknown ``/bff/...`` path stays a JSON
404, and so does a missing hashed asset (an old page asking for a file a new
build replaced must fail, not receive HTML). Without a build, ``/`` says how
to make one.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse, HTMLResponse

from runnerly_dashboard.dependencies import settings_of
from runnerly_dashboard.web import files
from runnerly_dashboard.web.headers import CONTENT_SECURITY_POLICY
from runnerly_kit.errors import NotFound
from runnerly_kit.runtime import get_runtime

router = APIRouter(include_in_schema=False)

_NOT_BUILT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Runnerly</title></head>
<body><h1>Runnerly</h1>
<p>The dashboard's web app is not built yet. Run <code>make up</code> (it builds the app
with Node 20+ and starts every service), then reload this page.</p></body></html>
"""
_API_PREFIXES = ("bff/", "v1/")
_build_cache: dict[str, Path] = {}


def _build(request: Request) -> Path | None:
    settings = settings_of(get_runtime(request))
    key = str(settings.web_dir or "")
    found = _build_cache.get(key)
    if found is not None and (found / files.INDEX).is_file():
        return found
    places = files.candidates(settings.web_dir, Path(__file__), Path.cwd())
    found = files.find_build(places)
    if found is not None:
        _build_cache[key] = found
    return found


@router.api_route("/{path:path}", methods=["GET", "HEAD"])
async def web_app(path: str, request: Request) -> Response:
    if path.startswith(_API_PREFIXES) or path == "bff":
        raise NotFound("There is no such API route.")
    headers = {"Content-Security-Policy": CONTENT_SECURITY_POLICY}
    build = _build(request)
    if build is None:
        return HTMLResponse(_NOT_BUILT, headers={**headers, "Cache-Control": "no-store"})
    target = files.file_for(build, path)
    if target is not None:
        return FileResponse(target, headers={**headers, "Cache-Control": files.cache_control(path)})
    if path.startswith(files.ASSETS):
        raise NotFound("There is no such file.")
    return FileResponse(build / files.INDEX, headers={**headers, "Cache-Control": files.REVALIDATE})
