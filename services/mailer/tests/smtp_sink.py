"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, and can be stopped."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass(frozen=True)
class Received:
    """One message as the server took it: the envelope's recipients and the parsed message."""

    recipients: list[str]
    message: EmailMessage


#: Recipients the server refuses for good (550), like a mailbox that does not exist.
REFUSED_PREFIX = "nobody"


class _Inbox:
    """aiosmtpd's handler: every accepted message lands in ``messages``."""

    def __init__(self) -> None:
        self.messages: list[Received] = []
        self._lock = threading.Lock()

    async def handle_RCPT(  # noqa: N802  # aiosmtpd's hook name
        self,
        _server: SMTP,
        _session: Session,
        envelope: Envelope,
        address: str,
        _rcpt_options: list[str],
    ) -> str:
        if address.startswith(REFUSED_PREFIX):
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, _server: SMTP, _session: Session, envelope: Envelope) -> str:  # noqa: N802  # aiosmtpd's hook name
        raw = envelope.original_content or b""
        parsed = message_from_bytes(raw, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        with self._lock:  # the server runs in its own thread
            self.messages.append(Received(list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


class SmtpSink:
    """An SMTP server on 127.0.0.1:``port``; ``stop()`` and ``start()`` simulate an outage."""

    def __init__(self, port: int) -> None:
        self.port = port
        self._inbox = _Inbox()
        self._controller: Controller | None = None

    @property
    def messages(self) -> list[Received]:
        """What the server accepted so far, in order (a copy)."""
        with self._inbox._lock:
            return list(self._inbox.messages)

    def start(self) -> None:
        """Listen (again) on the same port."""
        self._controller = Controller(self._inbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        """Stop listening: connections are refused until ``start()``."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
