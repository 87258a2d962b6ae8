"""``runnerly mail``: the messages the local SMTP sink caught, as a table, one in full, or JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from runnerly_launcher.mailbox import SHOWN_HEADERS, MailMessage, MailSummary

_TIME_SHOWN = "%Y-%m-%d %H:%M:%S"
_SUBJECT_WIDTH = 60


def render_list(summaries: Sequence[MailSummary], directory: Path) -> str:
    """An aligned table, newest last: id, received (UTC), to and subject."""
    if not summaries:
        return f"No mail caught yet (in {directory}).\n"
    rows = [("ID", "RECEIVED (UTC)", "TO", "SUBJECT")]
    rows += [
        (
            s.id,
            s.received.strftime(_TIME_SHOWN),
            ", ".join(s.recipients),
            _shorten(s.subject, _SUBJECT_WIDTH),
        )
        for s in summaries
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [
        "  ".join([*(cell.ljust(width) for cell, width in zip(row, widths, strict=False)), row[3]])
        for row in rows
    ]
    footer = "\nShow one with `runnerly mail <ID>` (or `runnerly mail --last`).\n"
    return "\n".join(line.rstrip() for line in lines) + "\n" + footer


def render_message(message: MailMessage) -> str:
    """The message as a reader wants it: its main headers, a blank line, its text."""
    summary = message.summary
    lines = [
        f"Id: {summary.id}",
        f"Received: {summary.received.strftime(_TIME_SHOWN)} UTC",
        f"Envelope-To: {', '.join(summary.recipients)}",
    ]
    present = {name.lower(): value for name, value in message.headers}
    lines += [
        f"{name}: {present[name.lower()]}" for name in SHOWN_HEADERS if name.lower() in present
    ]
    lines.append(f"File: {summary.path}")
    body = message.text if message.text.endswith("\n") else message.text + "\n"
    return "\n".join(lines) + "\n\n" + body


def render_list_json(summaries: Sequence[MailSummary], directory: Path) -> str:
    """``{"directory": ..., "messages": [{"id", "received", "from", "to", "subject", "path"}]}``."""
    body = {"directory": str(directory), "messages": [s.as_dict() for s in summaries]}
    return json.dumps(body, indent=2) + "\n"


def render_message_json(message: MailMessage) -> str:
    """One message: its summary's fields plus ``headers`` and ``text``."""
    return json.dumps(message.as_dict(), indent=2) + "\n"


def _shorten(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
