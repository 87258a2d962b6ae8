"""A service whose package cannot be imported does not break the other commands."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

RunRunnerly = Callable[..., subprocess.CompletedProcess[str]]
BROKEN = Path(__file__).parent / "fakes_broken"


@pytest.fixture
def broken_env(launcher_env: dict[str, str]) -> dict[str, str]:
    """The launcher's environment plus an installed service ``ghost`` whose package is missing."""
    path = os.pathsep.join([str(BROKEN), launcher_env["PYTHONPATH"]])
    return {**launcher_env, "PYTHONPATH": path}


def test_a_broken_service_is_skipped_with_a_warning_where_it_was_not_asked_for(
    broken_env: dict[str, str], run_runnerly: RunRunnerly
) -> None:
    """``status`` of other services works, warning that ``ghost`` cannot be loaded and why;
    ``mail`` does not even look at the services."""
    status = run_runnerly("status", "alpha", env=broken_env)
    mail = run_runnerly("mail", env=broken_env)

    assert "alpha " in status.stdout
    assert "warning: service ghost is skipped: ModuleNotFoundError" in status.stderr
    assert mail.returncode == 0
    assert mail.stderr == ""


@pytest.mark.parametrize("args", [("up",), ("up", "ghost"), ("migrate",)])
def test_a_broken_service_that_would_be_left_out_is_refused(
    broken_env: dict[str, str], run_runnerly: RunRunnerly, args: tuple[str, ...]
) -> None:
    """``up`` or ``migrate`` of everything, or naming the broken service, exits 2 naming it
    rather than silently running without it; nothing is started or written."""
    result = run_runnerly(*args, env=broken_env)

    assert result.returncode == 2
    assert "service ghost cannot be loaded (ModuleNotFoundError" in result.stderr
    assert not Path(broken_env["RUNNERLY_DATA_DIR"]).exists()
