"""``runnerly status``: run for real against tiny servers, a real NATS server and the real mail
sink on free ports."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from runnerly_kit.testing.nats import NatsServer
from runnerly_kit.testing.ports import free_port
from runnerly_kit.testing.servers import serve
from runnerly_launcher.mailsink import running_sink

RUNNERLY = str(Path(sys.executable).parent / "runnerly")


def _service(
    status: int, checks: dict[str, str] | None = None, *, broker: str | None = None
) -> Starlette:
    """A stand-in service whose ``/readyz`` answers ``status``, like the kit's does, and whose
    ``/healthz`` names its broker state when ``broker`` is given (an older kit's does not)."""

    async def readyz(_request: Request) -> JSONResponse:
        return JSONResponse({"checks": checks or {}}, status_code=status)

    async def healthz(_request: Request) -> JSONResponse:
        details = {"broker": broker, "outbox_pending": 0} if broker else {}
        return JSONResponse({"status": "ok", "details": details})

    return Starlette(routes=[Route("/readyz", readyz), Route("/healthz", healthz)])


async def _status(*args: str, env: dict[str, str]) -> tuple[int, str, str]:
    # The servers run in this test's loop, so the command runs without blocking it.
    process = await asyncio.create_subprocess_exec(
        RUNNERLY, "status", *args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def _by_name(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entry["name"]: entry for entry in body["services"]}


async def test_status_json_lists_name_url_and_health_and_exits_0_when_all_are_up(
    launcher_env: dict[str, str], nats_server: NatsServer, tmp_path: Path
) -> None:
    """When the broker, the mail sink and every service are up, ``status --json`` says so for
    each, with its URL, and exits 0."""
    env = {**launcher_env, "RUNNERLY_NATS_PORT": str(nats_server.port)}
    alpha_port, beta_port = int(env["RUNNERLY_ALPHA_PORT"]), int(env["RUNNERLY_BETA_PORT"])
    smtp_port = int(env["RUNNERLY_SMTP_PORT"])
    async with (
        running_sink(tmp_path / "mail", "127.0.0.1", smtp_port),
        serve(_service(200), port=alpha_port),
        serve(_service(200), port=beta_port),
    ):
        code, out, _ = await _status("alpha", "beta", "--json", env=env)

    body = json.loads(out)
    alpha_url, beta_url = f"http://127.0.0.1:{alpha_port}", f"http://127.0.0.1:{beta_port}"
    assert code == 0
    assert body["healthy"] is True
    assert body["services"] == [
        {
            "name": "broker",
            "url": f"nats://127.0.0.1:{nats_server.port}",
            "health": "up",
            "detail": body["services"][0]["detail"],
            "broker": None,
        },
        {
            "name": "mail",
            "url": f"smtp://127.0.0.1:{smtp_port}",
            "health": "up",
            "detail": "accepting mail",
            "broker": None,
        },
        {"name": "alpha", "url": alpha_url, "health": "up", "detail": "ready", "broker": None},
        {"name": "beta", "url": beta_url, "health": "up", "detail": "ready", "broker": None},
    ]
    assert body["services"][0]["detail"].startswith("nats-server ")


async def test_status_exits_1_and_says_why_when_something_is_down(
    launcher_env: dict[str, str], nats_server: NatsServer
) -> None:
    """A service answering 503 is down with its failing checks, one not listening is down with
    "connection refused", and the exit code is 1; with no names, every service is checked."""
    env = {**launcher_env, "RUNNERLY_NATS_PORT": str(nats_server.port)}
    failing = _service(503, {"database": "ok", "broker": "unavailable: TimeoutError"})
    async with (
        serve(_service(200), port=int(env["RUNNERLY_ALPHA_PORT"])),
        serve(failing, port=int(env["RUNNERLY_BETA_PORT"])),
    ):
        code, out, _ = await _status("--json", env=env)

    services = _by_name(json.loads(out))
    assert code == 1
    assert {"broker", "mail", "alpha", "beta", "courier", "tokendealer"} <= services.keys()
    assert services["mail"]["detail"] == "connection refused"
    assert services["alpha"]["health"] == "up"
    assert services["beta"]["health"] == "down"
    assert services["beta"]["detail"] == "HTTP 503 (broker: unavailable: TimeoutError)"
    assert services["tokendealer"]["health"] == "down"
    assert services["tokendealer"]["detail"] == "connection refused"


async def test_a_broker_that_does_not_answer_is_down(launcher_env: dict[str, str]) -> None:
    """With nothing on the broker's port, the broker is reported down and the exit code is 1."""
    async with serve(_service(200), port=int(launcher_env["RUNNERLY_ALPHA_PORT"])):
        code, out, _ = await _status("alpha", "--json", env=launcher_env)

    services = _by_name(json.loads(out))
    assert code == 1
    assert services["broker"] == {
        "name": "broker",
        "url": f"nats://127.0.0.1:{launcher_env['RUNNERLY_NATS_PORT']}",
        "health": "down",
        "detail": "connection refused",
        "broker": None,
    }
    assert services["alpha"]["health"] == "up"


async def test_an_external_broker_and_smtp_server_are_checked_and_shown_without_password(
    launcher_env: dict[str, str], nats_server: NatsServer, tmp_path: Path
) -> None:
    """With RUNNERLY_NATS_URL and RUNNERLY_SMTP_URL, that broker and that SMTP server are the
    ones checked, and the broker's user and password never appear in the output."""
    smtp_port = free_port()
    env = {
        **launcher_env,
        "RUNNERLY_NATS_URL": f"nats://ops:hunter2@127.0.0.1:{nats_server.port}",
        "RUNNERLY_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
    }
    async with (
        running_sink(tmp_path / "mail", "127.0.0.1", smtp_port),
        serve(_service(200), port=int(env["RUNNERLY_ALPHA_PORT"])),
    ):
        code, out, _ = await _status("alpha", "--json", env=env)

    services = _by_name(json.loads(out))
    assert code == 0
    assert "hunter2" not in out
    assert services["broker"]["url"] == f"nats://127.0.0.1:{nats_server.port}"
    assert services["mail"]["url"] == f"smtp://127.0.0.1:{smtp_port}"
    assert services["mail"]["health"] == "up"


async def test_the_table_shows_one_aligned_row_per_component(
    launcher_env: dict[str, str], nats_server: NatsServer
) -> None:
    """Without --json, status prints a table with a header and a row for the broker, the mail
    sink and each service, marking what is down."""
    env = {**launcher_env, "RUNNERLY_NATS_PORT": str(nats_server.port)}
    async with serve(_service(200), port=int(env["RUNNERLY_ALPHA_PORT"])):
        code, out, _ = await _status("alpha", "beta", env=env)

    header, broker, mail, alpha, beta = out.splitlines()
    assert code == 1
    assert header.split() == ["NAME", "URL", "HEALTH", "DETAIL"]
    assert broker.split()[:3] == ["broker", f"nats://127.0.0.1:{nats_server.port}", "up"]
    alpha_url = f"http://127.0.0.1:{env['RUNNERLY_ALPHA_PORT']}"
    assert alpha.split() == ["alpha", alpha_url, "up", "ready"]
    assert beta.split()[2:] == ["DOWN", "connection", "refused"]
    smtp_url = f"smtp://127.0.0.1:{env['RUNNERLY_SMTP_PORT']}"
    assert mail.split() == ["mail", smtp_url, "DOWN", "connection", "refused"]
    # Aligned: every URL starts in the same column.
    assert len({line.index("://") for line in (broker, mail, alpha, beta)}) == 1


async def test_each_services_broker_state_from_healthz_is_shown(
    launcher_env: dict[str, str], nats_server: NatsServer
) -> None:
    """The broker state a service reports in ``/healthz`` details is in ``--json`` and in the
    table; a disconnected broker does not make a ready service down (it is not readiness)."""
    env = {**launcher_env, "RUNNERLY_NATS_PORT": str(nats_server.port)}
    alpha_port, beta_port = int(env["RUNNERLY_ALPHA_PORT"]), int(env["RUNNERLY_BETA_PORT"])
    async with (
        serve(_service(200, broker="disconnected"), port=alpha_port),
        serve(_service(503, {"database": "unavailable: gone"}, broker="connected"), port=beta_port),
    ):
        _, out, _ = await _status("alpha", "beta", "--json", env=env)
        _, table, _ = await _status("alpha", "beta", env=env)

    services = _by_name(json.loads(out))
    assert (services["alpha"]["health"], services["alpha"]["broker"]) == ("up", "disconnected")
    assert (services["beta"]["health"], services["beta"]["broker"]) == ("down", "connected")
    assert services["broker"]["broker"] is None
    rows = {line.split()[0]: line for line in table.splitlines()}
    assert rows["alpha"].endswith("up      ready; broker disconnected")
    assert rows["beta"].endswith("DOWN    HTTP 503 (database: unavailable: gone); broker connected")


@pytest.mark.parametrize("command", ["status", "migrate", "up"])
async def test_an_unknown_service_name_is_refused(
    launcher_env: dict[str, str], command: str
) -> None:
    """Naming a service that is not installed exits 2 and lists the installed ones."""
    process = await asyncio.create_subprocess_exec(
        RUNNERLY, command, "gamma", env=launcher_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    _, err = await process.communicate()

    assert process.returncode == 2
    assert "unknown service gamma; installed: alpha, beta" in err.decode()
