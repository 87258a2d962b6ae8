"""``runnerly up`` run for real: broker, services, readiness table, Ctrl-C, nothing left behind.

These tests start the fake ``alpha`` and ``beta`` services (see ``fakes/``) or
the real token dealer, each as the processes a developer would get, on free
ports and in a temporary data folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import signal
import socket
import stat
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol

import httpx
import psutil
import pytest


class LauncherLike(Protocol):
    """What these tests use of the conftest's ``Launcher`` (tests cannot import conftest)."""

    @property
    def output(self) -> str: ...
    def wait_for(self, text: str, *, timeout: float = 90) -> str: ...
    def descendants(self) -> list[psutil.Process]: ...
    def press_ctrl_c(self) -> None: ...
    def signal_group(self, signum: int) -> None: ...
    def wait(self, timeout: float = 60) -> int: ...
    @property
    def pid(self) -> int: ...


StartLauncher = Callable[..., LauncherLike]
RunRunnerly = Callable[..., subprocess.CompletedProcess[str]]


@contextlib.contextmanager
def socket_listening() -> Iterator[int]:
    """Something else listening on a free loopback port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def _url(env: dict[str, str], service: str) -> str:
    return f"http://127.0.0.1:{env[f'RUNNERLY_{service.upper()}_PORT']}"


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _running(processes: list[psutil.Process]) -> list[psutil.Process]:
    alive = []
    for process in processes:
        try:
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                alive.append(process)
        except psutil.NoSuchProcess:
            pass
    return alive


def _command_lines(processes: list[psutil.Process]) -> list[str]:
    return [" ".join(p.cmdline()) for p in processes]


@pytest.mark.slow
def test_up_runs_the_system_until_ctrl_c_and_leaves_no_process_behind(
    launcher_env: dict[str, str], start_launcher: StartLauncher, run_runnerly: RunRunnerly
) -> None:
    """``runnerly up`` migrates, starts the broker and each service on its port, prints the
    table once every /readyz answers, gives each service its own secret only, and on Ctrl-C
    stops every process it started."""
    env = launcher_env
    data_dir = Path(env["RUNNERLY_DATA_DIR"])
    launcher = start_launcher("up", "alpha", "beta", env=env)

    output = launcher.wait_for("Press Ctrl-C to stop everything.")
    table = output[output.index("Runnerly is up.") :]
    assert f"nats://127.0.0.1:{env['RUNNERLY_NATS_PORT']}" in table
    for service in ("alpha", "beta"):
        row = next(line for line in table.splitlines() if line.startswith(service))
        assert row.split() == [service, _url(env, service), "up", "ready"]
        assert httpx.get(f"{_url(env, service)}/readyz").status_code == 200

    # The data folder: private secrets, alpha's database migrated, the broker's store.
    secrets = json.loads((data_dir / "secrets.json").read_text())
    assert stat.S_IMODE((data_dir / "secrets.json").stat().st_mode) == 0o600
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert (data_dir / "alpha" / "alpha.db").exists()
    assert (data_dir / "nats" / "jetstream").is_dir()

    # Each service holds its own secret, and neither a peer's nor the key-encryption secret.
    for service, peer in (("alpha", "beta"), ("beta", "alpha")):
        seen = httpx.get(f"{_url(env, service)}/env").json()
        assert seen["client_secret_sha256"] == _sha256(secrets["clients"][service])
        assert _sha256(secrets["clients"][peer]) not in seen["value_hashes"]
        assert _sha256(secrets["key_encryption_secret"]) not in seen["value_hashes"]
        assert not any(name.startswith(f"{peer.upper()}_") for name in seen["names"])
        assert seen["settings"][f"{service.upper()}_ENVIRONMENT"] == "development"

    status = run_runnerly("status", "alpha", "beta", "--json", env=env)
    assert status.returncode == 0, status.stdout
    names = [s["name"] for s in json.loads(status.stdout)["services"]]
    assert names == ["broker", "mail", "alpha", "beta"]

    # No process between the launcher and a service (no shell, no copy of the launcher):
    # the broker and one uvicorn per service, each a direct child, nothing else.
    started = launcher.descendants()
    assert all(p.ppid() == launcher.pid for p in started)
    argvs = [p.cmdline() for p in started]
    assert sum(argv[0].endswith("nats-server") for argv in argvs) == 1
    assert (
        sorted(argv[1:4] for argv in argvs if not argv[0].endswith("nats-server"))
        == [["-m", "uvicorn", "--factory"]] * 2
    )

    # Each service's lines under its name, names aligned (the widest is "alpha");
    # no colour codes, this output not being a terminal.
    lines = output.splitlines()
    assert any(line.startswith("alpha | ") for line in lines)
    assert any(line.startswith("beta  | ") for line in lines)
    assert any(line.startswith("mail  | catching mail on smtp://") for line in lines)
    assert "\x1b[" not in output

    launcher.press_ctrl_c()
    assert launcher.wait() == 130

    assert _running(started) == []
    stopped = launcher.output
    assert "\nalpha: stopped\n" in stopped
    assert "\nbeta: stopped\n" in stopped
    assert "rc=" not in stopped
    assert "broker: stopped" in stopped
    after = run_runnerly("status", "alpha", "beta", "--json", env=env)
    assert after.returncode == 1
    assert all(s["health"] == "down" for s in json.loads(after.stdout)["services"])


@pytest.mark.slow
def test_a_service_failing_at_start_up_stops_everything(
    launcher_env: dict[str, str], start_launcher: StartLauncher
) -> None:
    """When one service cannot start, the others and the broker are stopped too, and
    ``runnerly up`` exits non-zero with nothing left running."""
    launcher = start_launcher(
        "up", "alpha", "beta", env={**launcher_env, "BETA_FAIL_AT_START": "1"}
    )

    launcher.wait_for("beta: exited with code 1, unexpectedly; stopping everything")
    started = launcher.descendants()
    code = launcher.wait()

    assert code == 1  # uvicorn's exit code when the app cannot be created
    assert _running(started) == []
    assert "BETA_FAIL_AT_START is set" in launcher.output
    assert "Runnerly is up." not in launcher.output


@pytest.mark.slow
def test_losing_the_broker_stops_everything(
    launcher_env: dict[str, str], start_launcher: StartLauncher
) -> None:
    """If the embedded broker dies, the launcher stops every service and exits 1 rather than
    leave a system without its broker."""
    launcher = start_launcher("up", "beta", env=launcher_env)
    launcher.wait_for("Runnerly is up.")
    started = launcher.descendants()
    (broker,) = [p for p in started if "nats-server" in " ".join(p.cmdline())]

    broker.kill()

    assert launcher.wait() == 1
    assert "broker: exited" in launcher.output
    assert _running(started) == []


@pytest.mark.slow
def test_closing_the_terminal_stops_everything(
    launcher_env: dict[str, str], start_launcher: StartLauncher
) -> None:
    """SIGHUP (the terminal closed) stops every service and the broker like Ctrl-C does,
    instead of killing the launcher alone and orphaning them; the exit code is 129."""
    launcher = start_launcher("up", "beta", env=launcher_env)
    launcher.wait_for("Runnerly is up.")
    started = launcher.descendants()

    launcher.signal_group(signal.SIGHUP)

    assert launcher.wait() == 129
    assert _running(started) == []


@pytest.mark.slow
def test_with_an_external_broker_none_is_started_and_unready_services_are_shown(
    launcher_env: dict[str, str], start_launcher: StartLauncher
) -> None:
    """With RUNNERLY_NATS_URL set, no nats-server is started; when a service is still not
    ready after RUNNERLY_READY_TIMEOUT_SECONDS, the table says so and shows why."""
    nowhere = f"nats://127.0.0.1:{launcher_env['RUNNERLY_NATS_PORT']}"
    # Long enough for beta to be listening (answering 503) on a busy machine.
    env = {**launcher_env, "RUNNERLY_NATS_URL": nowhere, "RUNNERLY_READY_TIMEOUT_SECONDS": "15"}
    launcher = start_launcher("up", "beta", env=env)

    output = launcher.wait_for("Press Ctrl-C to stop everything.")
    started = launcher.descendants()

    assert "Not everything is ready after 15 s:" in output
    table = output[output.index("Not everything is ready") :]
    beta = next(line for line in table.splitlines() if line.startswith("beta "))
    assert beta.split()[2:4] == ["DOWN", "HTTP"]
    assert "broker: unavailable" in beta
    assert not any("nats-server" in line for line in _command_lines(started))
    launcher.press_ctrl_c()
    assert launcher.wait() == 130
    assert _running(started) == []


@pytest.mark.parametrize(
    ("variable", "owner"), [("RUNNERLY_BETA_PORT", "beta"), ("RUNNERLY_SMTP_PORT", "mail sink")]
)
def test_up_refuses_a_port_already_taken_and_starts_nothing(
    launcher_env: dict[str, str], run_runnerly: RunRunnerly, variable: str, owner: str
) -> None:
    """When a port (a service's or the mail sink's) is taken, ``runnerly up`` exits 1 naming
    the port and the variable that moves it, before writing or starting anything."""
    with socket_listening() as port:
        env = {**launcher_env, variable: str(port)}
        result = run_runnerly("up", "alpha", "beta", env=env)

    assert result.returncode == 1, result.stderr
    # Only the port taken here is sure to be listed: under pytest-xdist another test may
    # hold one of this test's other free ports at the same moment.
    assert "runnerly: port already in use: " in result.stderr
    assert f"{port} ({owner}, {variable})" in result.stderr
    assert not Path(env["RUNNERLY_DATA_DIR"]).exists()


@pytest.mark.slow
@pytest.mark.skipif(
    importlib.util.find_spec("runnerly_tokendealer") is None,
    reason="the token dealer is not installed",
)
def test_up_runs_the_real_token_dealer_and_it_issues_tokens_to_services(
    launcher_env: dict[str, str], start_launcher: StartLauncher, run_runnerly: RunRunnerly
) -> None:
    """With the real token dealer: it is migrated, started and ready, it accepts a service's
    generated client secret (the launcher's clients list), ``status --json`` reports it, and
    Ctrl-C leaves nothing behind."""
    env = launcher_env
    launcher = start_launcher("up", "tokendealer", env=env)
    launcher.wait_for("Runnerly is up.")
    base = _url(env, "tokendealer")
    secrets = json.loads((Path(env["RUNNERLY_DATA_DIR"]) / "secrets.json").read_text())

    assert httpx.get(f"{base}/readyz").status_code == 200
    assert httpx.get(f"{base}/.well-known/jwks.json").json()["keys"]
    # As the README shows: HTTP Basic with the generated secret from var/secrets.json.
    token = httpx.post(
        f"{base}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=("tokendealer", secrets["clients"]["tokendealer"]),
    )
    assert token.status_code == 200, token.text
    assert token.json()["token_type"].lower() == "bearer"
    wrong = httpx.post(
        f"{base}/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": "tokendealer",
            "client_secret": "x" * 43,
        },
    )
    assert wrong.status_code == 401

    status = run_runnerly("status", "tokendealer", "--json", env=env)
    assert status.returncode == 0, status.stdout
    entries = json.loads(status.stdout)["services"]
    assert [e["name"] for e in entries] == ["broker", "mail", "tokendealer"]
    assert entries[2]["name"] == "tokendealer"
    assert (entries[2]["health"], entries[2]["detail"]) == ("up", "ready")

    started = launcher.descendants()
    launcher.press_ctrl_c()
    assert launcher.wait() == 130
    assert _running(started) == []
    # The kit's readable log lines, under the service's name, without colour codes in a pipe.
    assert "\ntokendealer | " in launcher.output
    assert "service_started" in launcher.output
    assert "\x1b[" not in launcher.output
    assert "tokendealer: stopped" in launcher.output


@pytest.mark.slow
def test_up_starts_the_mail_sink_and_mail_a_service_sends_shows_in_runnerly_mail(
    launcher_env: dict[str, str], start_launcher: StartLauncher, run_runnerly: RunRunnerly
) -> None:
    """``runnerly up`` also runs the SMTP sink (row ``mail`` in the table), tells a service
    that sends mail where it is, the mail that service sends is listed and shown by
    ``runnerly mail``, and Ctrl-C leaves no sink process behind."""
    env = launcher_env
    smtp_port = env["RUNNERLY_SMTP_PORT"]
    launcher = start_launcher("up", "courier", env=env)

    output = launcher.wait_for("Press Ctrl-C to stop everything.")
    table = output[output.index("Runnerly is up.") :]
    row = next(line for line in table.splitlines() if line.startswith("mail "))
    assert row.split() == ["mail", f"smtp://127.0.0.1:{smtp_port}", "up", "accepting", "mail"]
    assert "read it with `runnerly mail`" in table
    settings = httpx.get(f"{_url(env, 'courier')}/env").json()["settings"]
    assert (settings["COURIER_SMTP_HOST"], settings["COURIER_SMTP_PORT"]) == (
        "127.0.0.1",
        smtp_port,
    )

    link = "http://127.0.0.1:8700/activate?token=tok-e2e"
    sent = httpx.post(
        f"{_url(env, 'courier')}/send-mail",
        json={"to": "ann@example.com", "subject": "Activate your account", "text": f"{link}\n"},
    )
    assert sent.status_code == 200, sent.text
    launcher.wait_for("caught mail for ann@example.com")

    listed = run_runnerly("mail", "--json", env=env)
    (message,) = json.loads(listed.stdout)["messages"]
    assert (message["to"], message["subject"]) == (["ann@example.com"], "Activate your account")
    shown = run_runnerly("mail", message["id"], env=env)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.endswith(f"\n\n{link}\n")

    started = launcher.descendants()
    launcher.press_ctrl_c()
    assert launcher.wait() == 130
    assert _running(started) == []
    with pytest.raises(ConnectionRefusedError):  # nothing listens on the sink's port any more
        socket.create_connection(("127.0.0.1", int(smtp_port)), timeout=2).close()


@pytest.mark.slow
def test_ctrl_c_waits_for_a_slow_service_to_stop_and_stops_the_broker_after_it(
    launcher_env: dict[str, str], start_launcher: StartLauncher, tmp_path: Path
) -> None:
    """After Ctrl-C a service that takes 6 s to stop (as one flushing its outbox) is left to
    finish on its own, not killed, even with a 1 s grace (the launcher adds its margin);
    the broker is stopped only after it has exited, and the stop prints as clean."""
    stopped_file = tmp_path / "beta-stopped"
    env = {
        **launcher_env,
        "RUNNERLY_SHUTDOWN_GRACE_SECONDS": "1",
        "BETA_STOP_SECONDS": "6",
        "BETA_STOPPED_FILE": str(stopped_file),
    }
    launcher = start_launcher("up", "alpha", "beta", env=env)
    launcher.wait_for("Runnerly is up.")
    started = launcher.descendants()

    launcher.press_ctrl_c()
    assert launcher.wait(timeout=90) == 130

    output = launcher.output
    assert stopped_file.read_text() == "stopped cleanly\n"
    assert "beta: stopped\n" in output
    assert "killed" not in output
    assert output.index("beta: stopped") < output.index("broker: stopped")
    assert _running(started) == []


@pytest.mark.slow
def test_a_service_dying_while_up_stops_the_others_with_a_non_zero_code(
    launcher_env: dict[str, str], start_launcher: StartLauncher
) -> None:
    """A service killed while the system runs stops everything else; the exit code is the
    shell's for its signal (128 + 9) and the output says what happened to it."""
    launcher = start_launcher("up", "alpha", "beta", env=launcher_env)
    launcher.wait_for("Runnerly is up.")
    started = launcher.descendants()
    (alpha,) = [p for p in started if "fake_runnerly.apps:create_alpha" in p.cmdline()]

    alpha.kill()

    assert launcher.wait() == 137
    output = launcher.output
    assert "alpha: killed by SIGKILL, unexpectedly; stopping everything" in output
    assert "beta: stopped" in output
    assert _running(started) == []


@pytest.mark.slow
def test_a_failed_migration_stops_what_had_started_and_exits_1(
    launcher_env: dict[str, str], start_launcher: StartLauncher, tmp_path: Path
) -> None:
    """A service whose database cannot be migrated is never started; beta, which needs no
    migration and may have started meanwhile, is stopped again, and ``runnerly up`` exits 1
    saying why."""
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("")
    unreachable = not_a_folder / "alpha.db"
    env = {**launcher_env, "ALPHA_DATABASE_URL": f"sqlite+aiosqlite:///{unreachable}"}
    launcher = start_launcher("up", "alpha", "beta", env=env)

    launcher.wait_for("runnerly: the migrations failed (see above)")
    started = launcher.descendants()

    assert launcher.wait() == 1
    output = launcher.output
    assert "migrating alpha failed" in output
    assert not any(line.startswith("alpha |") for line in output.splitlines())
    assert "Runnerly is up." not in output
    assert _running(started) == []
