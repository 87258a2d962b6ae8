"""The processes ``runnerly up`` supervises, and their output, prefixed with their name.

Each child is started as it is (no shell, no copy of the launcher in between),
in a session and process group of its own, so that the terminal's Ctrl-C
reaches the launcher alone and the launcher decides how everything stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

#: A log line longer than this is shown in pieces rather than stalling the reader.
_LINE_LIMIT = 1024 * 1024
#: Names in colour on a terminal; the palette honcho and foreman use.
_COLOURS = ("36", "33", "32", "35", "34", "31", "96", "93", "92", "95", "94", "91")


class Printer:
    """Writes children's lines as ``name | line``, names aligned; coloured only on a terminal.

    The output may vanish (the terminal closed): writing then stops quietly, so
    that stopping the services is never cut short by a failed write.
    """

    def __init__(self, out: TextIO, names: Sequence[str], *, colour: bool | None = None) -> None:
        self._out = out
        self._width = max((len(name) for name in names), default=0)
        wanted = _isatty(out) and "NO_COLOR" not in os.environ if colour is None else colour
        self._colours = {
            name: _COLOURS[index % len(_COLOURS)] if wanted else ""
            for index, name in enumerate(names)
        }
        self.lost = False

    def line(self, name: str, text: str) -> None:
        """One line of a child's output, prefixed with its name."""
        label = name.ljust(self._width)
        colour = self._colours.get(name, "")
        if colour:
            label = f"\x1b[{colour}m{label}\x1b[0m"
        self.write(f"{label} | {text}\n")

    def write(self, text: str) -> None:
        """Text of the launcher's own (notes, the readiness table), as is."""
        if self.lost:
            return
        try:
            self._out.write(text)
            self._out.flush()
        except (OSError, ValueError):  # EIO from a closed terminal, a closed pipe or file
            self.lost = True


def _isatty(out: TextIO) -> bool:
    try:
        return out.isatty()
    except (OSError, ValueError):
        return False


@dataclass
class Child:
    """One supervised process: a service (``python -m uvicorn ...``)."""

    name: str
    argv: Sequence[str]
    env: Mapping[str, str]
    process: asyncio.subprocess.Process | None = field(default=None, init=False)
    #: When the launcher asked it to stop (monotonic), and whether it had to kill it.
    term_sent_at: float | None = field(default=None, init=False)
    killed: bool = field(default=False, init=False)

    async def start(self) -> None:
        """Start the process, its stdout and stderr on one pipe."""
        self.process = await asyncio.create_subprocess_exec(
            *self.argv,
            env=dict(self.env),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,
            limit=_LINE_LIMIT,
        )

    async def pump(self, printer: Printer) -> None:
        """Print every line the child writes until it closes its output."""
        assert self.process is not None
        assert self.process.stdout is not None
        stream = self.process.stdout
        while True:
            try:
                raw = await stream.readline()
            except ValueError:  # a line over the limit: show what there is
                raw = await stream.read(_LINE_LIMIT)
            if not raw:
                return
            printer.line(self.name, raw.decode("utf-8", "replace").rstrip("\r\n"))

    @property
    def running(self) -> bool:
        """Started and not yet reaped."""
        return self.process is not None and self.process.returncode is None

    def terminate(self) -> None:
        """SIGTERM to the child's process group (its own children stop with it)."""
        if self.running and self.term_sent_at is None:
            self.term_sent_at = time.monotonic()
            self._signal_group(signal.SIGTERM)

    def kill(self) -> None:
        """SIGKILL to the child's process group."""
        if self.running:
            self.killed = True
            self._signal_group(signal.SIGKILL)

    def _signal_group(self, signum: int) -> None:
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signum)

    def describe_exit(self, code: int) -> str:
        """How it ended, for a person: ``stopped``, ``exited with code 3``, ``killed...``."""
        if self.killed:
            waited = time.monotonic() - (self.term_sent_at or time.monotonic())
            return f"killed: still running {waited:.0f} s after SIGTERM"
        asked = self.term_sent_at is not None
        if asked and code in (0, -signal.SIGTERM):
            return "stopped"
        if code < 0:
            return f"killed by {signal.Signals(-code).name}"
        return f"exited with code {code}"


async def stop_all(children: Sequence[Child], *, patience: float, force: asyncio.Event) -> None:
    """SIGTERM to every running child, then wait for each to exit on its own up to
    ``patience`` seconds (or until ``force`` is set) before SIGKILL."""
    for child in children:
        child.terminate()
    waits = [c.process.wait() for c in children if c.process is not None]
    all_exited: asyncio.Future[Any] = asyncio.gather(*waits)
    forced: asyncio.Future[Any] = asyncio.ensure_future(force.wait())
    try:
        await asyncio.wait(
            [all_exited, forced], timeout=patience, return_when=asyncio.FIRST_COMPLETED
        )
    finally:
        forced.cancel()
    for child in children:
        child.kill()
    await all_exited
