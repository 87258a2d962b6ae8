"""The local SMTP sink, run for real on a free port, and the mail folder it fills."""

from __future__ import annotations

import asyncio
import re
import smtplib
import stat
from collections.abc import Sequence
from email.message import EmailMessage
from pathlib import Path

import pytest

from runnerly_kit.testing.ports import free_port
from runnerly_launcher import mailbox
from runnerly_launcher.mailsink import running_sink

ACTIVATION_LINK = "http://127.0.0.1:8700/activate?token=abc123"


def _message(
    *, to: str = "ann@example.com", subject: str = "Activate your account", html_only: bool = False
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Runnerly <no-reply@runnerly.local>"
    message["To"] = to
    message["Subject"] = subject
    html = (
        "<html><head><style>p {color: red}</style></head><body>"
        f"<p>Hello <b>Ann</b>,</p><p><a href='{ACTIVATION_LINK}'>Activate</a></p></body></html>"
    )
    if html_only:
        message.set_content(html, subtype="html")
    else:
        message.set_content(f"Hello Ann,\n\nActivate your account: {ACTIVATION_LINK}\n")
        message.add_alternative(html, subtype="html")
    return message


def _send(port: int, message: EmailMessage, recipients: Sequence[str] | None = None) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        client.send_message(message, to_addrs=recipients)


async def _deliver(
    directory: Path, *messages: EmailMessage, recipients: Sequence[str] | None = None
) -> None:
    """Run the sink on a free port and send ``messages`` to it from a thread, like a client."""
    port = free_port()
    async with running_sink(directory, "127.0.0.1", port):
        for message in messages:
            await asyncio.to_thread(_send, port, message, recipients)


async def test_a_message_for_any_recipient_is_kept_as_one_eml_file(tmp_path: Path) -> None:
    """The sink accepts mail for any address and stores each message as
    ``<UTC time>-<id>.eml`` in the mail folder, private to the user, with no temporary file
    left over, and the envelope's recipients (Bcc included) recorded."""
    directory = tmp_path / "mail"
    await _deliver(
        directory, _message(), recipients=["ann@example.com", "someone@elsewhere.invalid"]
    )

    (path,) = directory.iterdir()
    assert re.fullmatch(r"\d{8}T\d{12}Z-[0-9a-f]{8}\.eml", path.name)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    raw = path.read_bytes()
    assert b"X-RcptTo: ann@example.com, someone@elsewhere.invalid" in raw
    assert b"Subject: Activate your account" in raw


async def test_listing_reads_back_each_message_newest_last(tmp_path: Path) -> None:
    """``list_messages`` gives id, received time, sender, recipients and subject of every
    message, in the order they arrived."""
    directory = tmp_path / "mail"
    await _deliver(directory, _message(subject="first"), _message(subject="second", to="bo@x.io"))

    first, second = mailbox.list_messages(directory)

    assert [first.subject, second.subject] == ["first", "second"]
    assert first.received <= second.received
    assert second.recipients == ("bo@x.io",)
    assert first.sender == "Runnerly <no-reply@runnerly.local>"
    assert first.path.name.endswith(f"-{first.id}.eml")


async def test_a_message_is_read_back_with_its_headers_and_its_text_part(tmp_path: Path) -> None:
    """``load`` returns every header and the plain-text part of a text+HTML message, with the
    activation link intact."""
    directory = tmp_path / "mail"
    await _deliver(directory, _message())
    (summary,) = mailbox.list_messages(directory)

    message = mailbox.load(mailbox.find(directory, summary.id))

    assert ("Subject", "Activate your account") in message.headers
    assert message.text == f"Hello Ann,\n\nActivate your account: {ACTIVATION_LINK}\n"


async def test_an_html_only_message_is_read_back_as_crude_text(tmp_path: Path) -> None:
    """A message with only an HTML part is shown as text: tags and styles gone, each link
    followed by its address."""
    directory = tmp_path / "mail"
    await _deliver(directory, _message(html_only=True))
    (summary,) = mailbox.list_messages(directory)

    text = mailbox.load(summary.path).text

    assert text == f"Hello Ann,\n\nActivate ({ACTIVATION_LINK})\n"


def test_a_message_being_written_is_never_listed(tmp_path: Path) -> None:
    """Messages are written under a hidden temporary name then renamed: a half-written file
    (or one a crash left behind) is not listed, and a stored one leaves no temporary file."""
    directory = tmp_path / "mail"
    stored = mailbox.store(directory, "a@x.io", ["b@x.io"], b"Subject: hi\r\n\r\nbody\r\n")
    (directory / ".tmpabc.part").write_bytes(b"Subject: half")

    assert [s.path for s in mailbox.list_messages(directory)] == [stored]
    assert sorted(p.name for p in directory.iterdir()) == [".tmpabc.part", stored.name]


def test_an_id_prefix_finds_a_message_and_an_unknown_id_is_refused(tmp_path: Path) -> None:
    """A message is found by its id or a prefix of it; an id matching nothing is refused with
    a message pointing at ``runnerly mail``."""
    directory = tmp_path / "mail"
    stored = mailbox.store(directory, "a@x.io", ["b@x.io"], b"Subject: hi\r\n\r\nbody\r\n")
    (summary,) = mailbox.list_messages(directory)

    assert mailbox.find(directory, summary.id[:4]) == stored
    with pytest.raises(mailbox.MailNotFound, match="runnerly mail"):
        mailbox.find(directory, "ffffffff" if not summary.id.startswith("f") else "00000000")


def test_a_missing_mail_folder_has_no_messages(tmp_path: Path) -> None:
    """Before any mail arrived (no folder yet), the list is empty rather than an error."""
    assert mailbox.list_messages(tmp_path / "nothing") == []
