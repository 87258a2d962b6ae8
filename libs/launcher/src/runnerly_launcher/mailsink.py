"""The local SMTP sink: accepts every message for any recipient and keeps it as an ``.eml`` file.

On one machine no mail leaves the laptop: services that send mail are pointed at
this server, and ``runnerly mail`` reads what it caught (see
:mod:`runnerly_launcher.mailbox`). ``runnerly up`` serves it in its own event
loop; it can also run alone::

    python -m runnerly_launcher.mailsink --host 127.0.0.1 --port 8725 --dir var/mail

It speaks plain SMTP on loopback, without TLS or authentication: it is a test
double for a real mail server, never one.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

from runnerly_launcher.mailbox import store

#: Bigger messages are refused with SMTP 552 (32 MiB, aiosmtpd's default).
DATA_SIZE_LIMIT = 32 * 1024 * 1024
#: How long a stopping sink waits for clients still connected.
_CLOSE_TIMEOUT_SECONDS = 2.0


class MailSinkHandler:
    """aiosmtpd handler: every recipient is accepted, every message is stored."""

    def __init__(self, directory: Path, *, announce: Callable[[str], None] | None = None) -> None:
        self.directory = directory
        self._announce = announce

    async def handle_RCPT(  # noqa: N802  # aiosmtpd's hook name
        self, _server: SMTP, _session: Session, envelope: Envelope, address: str, _options: Any
    ) -> str:
        """Accept any recipient: the sink catches mail for every address."""
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802  # aiosmtpd's hook name
        self, _server: SMTP, _session: Session, envelope: Envelope
    ) -> str:
        """Store the message; only then tell the client it is accepted."""
        content = envelope.original_content or b""
        sender = envelope.mail_from or ""
        path = await asyncio.to_thread(
            store, self.directory, sender, list(envelope.rcpt_tos), content
        )
        if self._announce is not None:
            # One line per message in `runnerly up`'s output, with the command that shows it.
            message_id = path.stem.rpartition("-")[2]
            recipients = ", ".join(envelope.rcpt_tos)
            self._announce(f"caught mail for {recipients}: runnerly mail {message_id}")
        return "250 Message accepted for delivery"


@contextlib.asynccontextmanager
async def running_sink(
    directory: Path, host: str, port: int, *, announce: Callable[[str], None] | None = None
) -> AsyncIterator[asyncio.Server]:
    """Serve SMTP on ``host:port`` in the running loop, storing into ``directory``;
    ``announce`` is called with a line for each message caught."""
    handler = MailSinkHandler(directory, announce=announce)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(
            handler,
            # A fixed name: the default looks up the machine's FQDN, which can take seconds.
            hostname="runnerly-mail-sink",
            ident="Runnerly mail sink",
            data_size_limit=DATA_SIZE_LIMIT,
            enable_SMTPUTF8=True,
        ),
        host=host,
        port=port,
    )
    try:
        yield server
    finally:
        server.close()
        # A client that keeps its connection open must not hold the shutdown up.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(_CLOSE_TIMEOUT_SECONDS):
                await server.wait_closed()


async def serve_until_stopped(directory: Path, host: str, port: int) -> None:
    """Run the sink until SIGTERM or SIGINT."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    async with running_sink(directory, host, port, announce=_print):
        sys.stdout.write(f"catching mail on smtp://{host}:{port}, into {directory}\n")
        sys.stdout.flush()
        await stop.wait()


def _print(line: str) -> None:
    sys.stdout.write(f"{line}\n")
    sys.stdout.flush()


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m runnerly_launcher.mailsink --host H --port P --dir D``."""
    parser = argparse.ArgumentParser(
        prog="python -m runnerly_launcher.mailsink",
        description="A local SMTP server that keeps every message it receives as an .eml file.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, required=True, help="port to listen on")
    parser.add_argument("--dir", type=Path, required=True, help="folder of the .eml files")
    args = parser.parse_args(argv)
    args.dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    asyncio.run(serve_until_stopped(args.dir, args.host, args.port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
