"""``runnerly demo`` as a command: what it says when the system is not there to receive it."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

from runnerly_launcher.credentials import load_or_create
from runnerly_launcher.login import CLI_CLIENT_ID


def test_the_demo_before_any_runnerly_up_says_to_start_the_system(
    launcher_env: dict[str, str],
    run_runnerly: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    """On a data folder `runnerly up` never used, the demo says to start the system first."""
    done = run_runnerly("demo", env=launcher_env)

    assert done.returncode == 1
    assert "start the system once with `runnerly up`" in done.stderr
    assert done.stdout == ""


def test_the_demo_with_the_system_stopped_says_so_in_one_line(
    launcher_env: dict[str, str],
    run_runnerly: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    """With secrets generated but nothing listening, the demo fails asking whether it runs."""
    load_or_create(Path(launcher_env["RUNNERLY_DATA_DIR"]) / "secrets.json", [CLI_CLIENT_ID])

    done = run_runnerly("demo", env=launcher_env)

    assert done.returncode == 1
    assert len(done.stderr.strip().splitlines()) == 1
    assert "is `runnerly up` running?" in done.stderr
