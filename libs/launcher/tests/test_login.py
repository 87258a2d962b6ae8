"""``runnerly login``: the password from a pipe, without a warning, sent to the token dealer."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from runnerly_kit.testing.servers import serve
from runnerly_launcher.credentials import load_or_create
from runnerly_launcher.login import CLI_CLIENT_ID

from .conftest import RUNNERLY


def _token_dealer(received: list[dict[str, str]]) -> Starlette:
    """A stand-in token dealer recording each password grant it is sent."""

    async def token(request: Request) -> JSONResponse:
        form = await request.form()
        received.append({key: str(value) for key, value in form.items()})
        if form.get("password") != "a long easy passphrase":
            return JSONResponse({"error": {"code": "invalid_grant", "message": "no"}}, 400)
        return JSONResponse(
            {"access_token": "token-123", "expires_in": 900, "scope": "runner"}, status_code=200
        )

    return Starlette(routes=[Route("/oauth/token", token, methods=["POST"])])


async def _login(env: dict[str, str], piped: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        RUNNERLY, "login", "ann@example.com",
        env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    out, err = await process.communicate(piped.encode())
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_the_password_is_read_from_a_pipe_without_any_warning(
    launcher_env: dict[str, str],
) -> None:
    """``echo "$pw" | runnerly login ann@example.com`` sends that password (without its
    newline) and prints the token, with no warning about the terminal."""
    data_dir = Path(launcher_env["RUNNERLY_DATA_DIR"])
    load_or_create(data_dir / "secrets.json", [CLI_CLIENT_ID])
    received: list[dict[str, str]] = []
    async with serve(_token_dealer(received), port=int(launcher_env["RUNNERLY_TOKENDEALER_PORT"])):
        code, out, err = await _login(launcher_env, "a long easy passphrase\n")

    assert (code, out) == (0, "token-123\n"), err
    assert "warning" not in err.lower()
    assert err == "logged in: scope 'runner', expires in 900 s\n"
    assert [(r["username"], r["password"]) for r in received] == [
        ("ann@example.com", "a long easy passphrase")
    ]
