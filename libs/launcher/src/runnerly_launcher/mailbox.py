"""The mail folder the local SMTP sink fills: one ``.eml`` file per message, and how to read it.

A message is stored as ``<UTC arrival time>-<id>.eml`` (``20261124T001500123456Z-3f9a1c2b.eml``),
so sorting the names sorts by arrival. The file is written under a hidden temporary
name and renamed into place: a reader never sees half a message. The envelope (who
the SMTP client said the message is from and for) is kept in ``X-MailFrom`` and
``X-RcptTo`` headers added on top, as aiosmtpd's own ``Message`` handler does.
"""

from __future__ import annotations

import email.policy
import os
import re
import secrets
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.parser import BytesHeaderParser, BytesParser
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from runnerly_launcher.errors import LauncherError

_TIME_FORMAT = "%Y%m%dT%H%M%S%fZ"
_NAME = re.compile(r"^(?P<time>\d{8}T\d{12}Z)-(?P<id>[0-9a-f]{8})\.eml$")
_POLICY = email.policy.default
#: Headers ``runnerly mail <id>`` shows, in this order, when the message has them.
SHOWN_HEADERS = ("Date", "From", "To", "Cc", "Reply-To", "Subject")


class MailNotFound(LauncherError):
    """No captured message matches the id asked for (or several do)."""


@dataclass(frozen=True, slots=True)
class MailSummary:
    """One captured message as ``runnerly mail`` lists it."""

    id: str
    received: datetime
    sender: str
    recipients: tuple[str, ...]
    subject: str
    path: Path

    def as_dict(self) -> dict[str, Any]:
        """The JSON form: id, received (ISO 8601, UTC), from, to (a list), subject, path."""
        return {
            "id": self.id,
            "received": self.received.isoformat(),
            "from": self.sender,
            "to": list(self.recipients),
            "subject": self.subject,
            "path": str(self.path),
        }


@dataclass(frozen=True, slots=True)
class MailMessage:
    """One captured message in full: its summary, every header, and its body as text."""

    summary: MailSummary
    headers: tuple[tuple[str, str], ...]
    text: str

    def as_dict(self) -> dict[str, Any]:
        """The summary's JSON form plus ``headers`` (``[name, value]`` pairs) and ``text``."""
        return {
            **self.summary.as_dict(),
            "headers": [list(header) for header in self.headers],
            "text": self.text,
        }


def store(directory: Path, sender: str, recipients: Sequence[str], content: bytes) -> Path:
    """Write one received message into ``directory``, atomically; the new file's path."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    received = datetime.now(UTC)
    name = f"{received.strftime(_TIME_FORMAT)}-{secrets.token_hex(4)}.eml"
    envelope = f"X-MailFrom: {sender}\r\nX-RcptTo: {', '.join(recipients)}\r\n".encode()
    # A hidden temporary name in the same folder, so the rename is atomic and the
    # listing (which only reads "*.eml") never sees a message half written.
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(envelope + content)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, directory / name)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return directory / name


def list_messages(directory: Path) -> list[MailSummary]:
    """Every captured message, oldest first (newest last); none if the folder does not exist."""
    if not directory.is_dir():
        return []
    paths = sorted(p for p in directory.iterdir() if _NAME.match(p.name))
    return [_summary(path, _headers(path)) for path in paths]


def find(directory: Path, message_id: str) -> Path:
    """The file of the message whose id is, or starts with, ``message_id``."""
    matches = [s.path for s in list_messages(directory) if s.id.startswith(message_id.lower())]
    if not message_id or not matches:
        raise MailNotFound(f"no captured message has the id {message_id!r} (see `runnerly mail`)")
    if len(matches) > 1:
        raise MailNotFound(f"{message_id!r} matches {len(matches)} messages; give more of the id")
    return matches[0]


def load(path: Path) -> MailMessage:
    """Read one captured message: its headers and its text (HTML made text when it has no text)."""
    with path.open("rb") as file:
        message = BytesParser(policy=_POLICY).parse(file)
    assert isinstance(message, EmailMessage)  # the default policy builds EmailMessage
    headers = tuple((name, str(value)) for name, value in message.items())
    return MailMessage(_summary(path, message), headers, _text(message))


def _headers(path: Path) -> Any:
    with path.open("rb") as file:
        return BytesHeaderParser(policy=_POLICY).parse(file)


def _summary(path: Path, message: Any) -> MailSummary:
    match = _NAME.match(path.name)
    assert match is not None  # only such names are listed
    received = datetime.strptime(match["time"], _TIME_FORMAT).replace(tzinfo=UTC)
    recipients = tuple(r.strip() for r in str(message.get("X-RcptTo", "")).split(",") if r.strip())
    return MailSummary(
        id=match["id"],
        received=received,
        sender=str(message.get("From") or message.get("X-MailFrom") or ""),
        recipients=recipients,
        subject=str(message.get("Subject") or ""),
        path=path,
    )


def _text(message: EmailMessage) -> str:
    plain = message.get_body(preferencelist=("plain",))
    if plain is not None:
        return str(plain.get_content())
    html = message.get_body(preferencelist=("html",))
    if html is not None:
        return html_to_text(str(html.get_content()))
    return ""


def html_to_text(html: str) -> str:
    """A crude text version of an HTML mail: tags dropped, blocks on their own lines,
    and each link followed by its address, so an activation link can be copied."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


class _TextExtractor(HTMLParser):
    _BLOCKS = frozenset({"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "table", "hr"})
    _HIDDEN = frozenset({"style", "script", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        #: Open links: their address and where their text starts in ``parts``.
        self._links: list[tuple[str | None, int]] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._HIDDEN:
            self._hidden += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")
        elif tag == "a":
            self._links.append((dict(attrs).get("href"), len(self.parts)))

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n")
        elif tag == "a" and self._links:
            href, start = self._links.pop()
            text = "".join(self.parts[start:]).strip()
            # A link whose text is its address already shows it.
            if href and not href.startswith("mailto:") and text != href:
                self.parts.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)
