"""The supervisor's parts run on real child processes: stopping with patience, killing only
what outlives it, and the prefixed output."""

from __future__ import annotations

import asyncio
import io
import os
import sys
import time

import pytest

from runnerly_launcher.children import Child, Printer, stop_all

#: A child that announces it is ready, then, on SIGTERM, takes ``delay`` seconds to exit 0.
SLOW_STOPPER = """
import signal, sys, time
def stop(*_):
    time.sleep({delay})
    print("flushed", flush=True)
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
print("ready", flush=True)
while True:
    time.sleep(60)
"""
#: A child that ignores SIGTERM.
STUBBORN = """
import signal, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
print("ready", flush=True)
while True:
    time.sleep(60)
"""


class Lines:
    """A text stream that records what is written, and wakes waiters on each write."""

    def __init__(self) -> None:
        self.text = io.StringIO()
        self.changed = asyncio.Event()

    def write(self, text: str) -> int:
        self.changed.set()
        return self.text.write(text)

    def flush(self) -> None:
        """Nothing to flush."""

    def isatty(self) -> bool:
        return False

    async def wait_for(self, needle: str) -> None:
        async with asyncio.timeout(60):
            while needle not in self.text.getvalue():
                self.changed.clear()
                await self.changed.wait()


async def _started(printer: Printer, lines: Lines, *children: Child) -> list[asyncio.Task[None]]:
    pumps = []
    for child in children:
        await child.start()
        pumps.append(asyncio.create_task(child.pump(printer)))
    for child in children:
        await lines.wait_for(f"{child.name.ljust(8)} | ready")
    return pumps


def _child(name: str, script: str) -> Child:
    return Child(name, [sys.executable, "-c", script], dict(os.environ))


async def test_a_slow_stopper_is_left_to_finish_and_a_stubborn_one_is_killed() -> None:
    """On stop, every child gets SIGTERM; one that takes 2 s to exit is not killed early (it
    ends on its own, exit 0, "stopped"), while one that ignores SIGTERM is killed once the
    patience (3 s) has run out, and says so."""
    lines = Lines()
    slow = _child("slow", SLOW_STOPPER.format(delay=2))
    stubborn = _child("stubborn", STUBBORN)
    printer = Printer(lines, [slow.name, stubborn.name])  # type: ignore[arg-type]
    pumps = await _started(printer, lines, slow, stubborn)

    await stop_all([slow, stubborn], patience=3, force=asyncio.Event())
    await asyncio.gather(*pumps)

    assert slow.process is not None
    assert stubborn.process is not None
    assert slow.process.returncode == 0
    assert slow.describe_exit(0) == "stopped"
    assert "slow     | flushed" in lines.text.getvalue()
    assert stubborn.process.returncode == -9
    assert stubborn.describe_exit(-9).startswith("killed: still running")


async def test_forcing_kills_at_once_without_waiting_for_the_patience() -> None:
    """A second Ctrl-C (the ``force`` event) kills what still runs without waiting out the
    patience."""
    lines = Lines()
    stubborn = _child("stubborn", STUBBORN)
    printer = Printer(lines, [stubborn.name])  # type: ignore[arg-type]
    pumps = await _started(printer, lines, stubborn)
    force = asyncio.Event()
    force.set()

    # Waiting out the patience would end in this timeout, failing the test.
    async with asyncio.timeout(60):
        await stop_all([stubborn], patience=600, force=force)
    await asyncio.gather(*pumps)

    assert stubborn.process is not None
    assert stubborn.process.returncode == -9


def test_names_are_aligned_and_plain_when_the_output_is_not_a_terminal() -> None:
    """Each line is ``name | text`` with the names padded to the longest; no colour codes
    in a file or a pipe."""
    out = io.StringIO()
    printer = Printer(out, ["mail", "tokendealer"])

    printer.line("mail", "catching mail")
    printer.line("tokendealer", "started")

    assert out.getvalue() == "mail        | catching mail\ntokendealer | started\n"


def test_names_are_coloured_on_a_terminal_and_the_text_is_left_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Written to a real terminal (a pseudo-terminal here), the names are coloured; the
    child's own text is passed through unchanged."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    controller, terminal = os.openpty()
    try:
        with open(terminal, "w", closefd=False) as out:
            printer = Printer(out, ["users", "runs"])
            printer.line("runs", "hello")
        seen = os.read(controller, 1024).decode()
    finally:
        os.close(controller)
        os.close(terminal)

    # The second name's colour (yellow), the name padded inside it, then the text as is.
    assert seen.replace("\r\n", "\n") == "\x1b[33mruns \x1b[0m | hello\n"


def test_a_closed_output_does_not_stop_the_supervisor() -> None:
    """Once the output has gone (the terminal closed), writing is given up quietly."""
    out = io.StringIO()
    printer = Printer(out, ["users"])
    out.close()

    printer.line("users", "still running")

    assert printer.lost


@pytest.mark.parametrize(
    ("code", "asked", "shown"),
    [
        (0, True, "stopped"),
        (-15, True, "stopped"),
        (3, True, "exited with code 3"),
        (0, False, "exited with code 0"),
        (-9, False, "killed by SIGKILL"),
    ],
)
def test_how_a_child_ended_reads_as_clean_only_when_it_was(
    code: int, asked: bool, shown: str
) -> None:
    """A child that ends after the launcher's SIGTERM with 0 (or by that SIGTERM) has
    "stopped"; any other end shows its exit code or signal."""
    child = _child("users", "")
    if asked:
        child.term_sent_at = time.monotonic()

    assert child.describe_exit(code) == shown
