"""Test ports: each process draws from a block no other process holds."""

from __future__ import annotations

import os
import subprocess
import sys

from runnerly_kit.testing.ports import _BLOCK, _worker_block, free_port

_CLAIM = "from runnerly_kit.testing.ports import _worker_block; print(_worker_block())"


def _claim_in_another_process(worker: str | None = None) -> int:
    environment = {**os.environ}
    if worker is not None:
        environment["PYTEST_XDIST_WORKER"] = worker
    output = subprocess.run(
        [sys.executable, "-c", _CLAIM], env=environment, capture_output=True, text=True, check=True
    )
    return int(output.stdout)


def test_another_process_never_draws_from_this_processs_block() -> None:
    """A second process (another suite, a benchmark) claims a block of its own, even as the
    same xdist worker name: the two can never hand out the same port."""
    mine = _worker_block()
    theirs = _claim_in_another_process()
    assert theirs != mine
    assert abs(theirs - mine) >= _BLOCK


def test_a_block_is_free_again_once_its_process_has_ended() -> None:
    """The kernel drops a dead process's lock: a block does not stay taken after a crash."""
    # A worker name far from any real one, so that no other process walks up to it meanwhile.
    first = _claim_in_another_process("gw45")
    second = _claim_in_another_process("gw45")
    assert first == second == 20_000 + 45 * _BLOCK


def test_ports_come_from_this_processs_block() -> None:
    """Every port handed out lies in the block this process holds."""
    start = _worker_block()
    ports = {free_port() for _ in range(5)}
    assert len(ports) == 5
    assert all(start <= port < start + _BLOCK for port in ports)
