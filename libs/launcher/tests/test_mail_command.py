"""``runnerly mail``: the real command reading a mail folder, with nothing else running."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

from runnerly_launcher import mailbox

RunRunnerly = Callable[..., subprocess.CompletedProcess[str]]
LINK = "http://127.0.0.1:8700/activate?token=tok-123"


def _catch(env: dict[str, str], to: str, subject: str, text: str) -> str:
    """Store a message as the sink does; its id."""
    message = EmailMessage()
    message["From"] = "Runnerly <no-reply@runnerly.local>"
    message["To"] = to
    message["Subject"] = subject
    message.set_content(text)
    directory = Path(env["RUNNERLY_DATA_DIR"]) / "mail"
    path = mailbox.store(directory, "no-reply@runnerly.local", [to], message.as_bytes())
    return path.stem.rpartition("-")[2]


def test_with_no_mail_the_list_says_so_and_last_fails(
    launcher_env: dict[str, str], run_runnerly: RunRunnerly
) -> None:
    """Before any mail, ``runnerly mail`` says none was caught (exit 0), ``--json`` gives an
    empty list, and ``--last`` exits 1 saying why."""
    listed = run_runnerly("mail", env=launcher_env)
    as_json = run_runnerly("mail", "--json", env=launcher_env)
    last = run_runnerly("mail", "--last", env=launcher_env)

    assert listed.returncode == 0
    assert listed.stdout.startswith("No mail caught yet")
    assert json.loads(as_json.stdout)["messages"] == []
    assert last.returncode == 1
    assert "no mail caught yet" in last.stderr


def test_the_list_is_a_table_newest_last(
    launcher_env: dict[str, str], run_runnerly: RunRunnerly
) -> None:
    """``runnerly mail`` prints one row per message, in arrival order: id, received time,
    recipient and subject, under a header."""
    first = _catch(launcher_env, "ann@example.com", "Activate your account", f"Go: {LINK}\n")
    second = _catch(launcher_env, "bo@example.com", "Reset your password", "Reset it.\n")

    result = run_runnerly("mail", env=launcher_env)

    assert result.returncode == 0, result.stderr
    header, row1, row2, *_ = result.stdout.splitlines()
    assert header.split() == ["ID", "RECEIVED", "(UTC)", "TO", "SUBJECT"]
    assert row1.split()[0] == first
    assert row1.split()[3:] == ["ann@example.com", "Activate", "your", "account"]
    assert row2.split()[0] == second
    assert row2.split()[3:] == ["bo@example.com", "Reset", "your", "password"]


def test_one_message_shows_its_headers_and_its_text_with_the_link(
    launcher_env: dict[str, str], run_runnerly: RunRunnerly
) -> None:
    """``runnerly mail <id>`` prints From, To, Subject and the plain text, so the activation
    link can be clicked; ``--last`` shows the newest message."""
    message_id = _catch(launcher_env, "ann@example.com", "Activate your account", f"Go: {LINK}\n")
    _catch(launcher_env, "bo@example.com", "Newest", "The newest one.\n")

    shown = run_runnerly("mail", message_id, env=launcher_env)
    last = run_runnerly("mail", "--last", env=launcher_env)

    assert shown.returncode == 0, shown.stderr
    head, _, body = shown.stdout.partition("\n\n")
    assert f"Id: {message_id}" in head.splitlines()
    assert "From: Runnerly <no-reply@runnerly.local>" in head.splitlines()
    assert "To: ann@example.com" in head.splitlines()
    assert "Subject: Activate your account" in head.splitlines()
    assert body == f"Go: {LINK}\n"
    assert "Subject: Newest" in last.stdout
    assert last.stdout.endswith("\n\nThe newest one.\n")


def test_json_output_for_scripts(launcher_env: dict[str, str], run_runnerly: RunRunnerly) -> None:
    """``--json`` lists id, received, from, to and subject, and for one message adds its
    headers and its text."""
    message_id = _catch(launcher_env, "ann@example.com", "Activate your account", f"Go: {LINK}\n")

    listed = json.loads(run_runnerly("mail", "--json", env=launcher_env).stdout)
    one = json.loads(run_runnerly("mail", message_id, "--json", env=launcher_env).stdout)

    (entry,) = listed["messages"]
    assert listed["directory"] == str(Path(launcher_env["RUNNERLY_DATA_DIR"]) / "mail")
    assert entry["id"] == message_id
    assert entry["to"] == ["ann@example.com"]
    assert entry["subject"] == "Activate your account"
    assert entry["received"].endswith("+00:00")
    assert one["text"] == f"Go: {LINK}\n"
    assert ["Subject", "Activate your account"] in one["headers"]


def test_an_unknown_id_exits_1(launcher_env: dict[str, str], run_runnerly: RunRunnerly) -> None:
    """Asking for an id no message has exits 1 and points at ``runnerly mail``."""
    _catch(launcher_env, "ann@example.com", "Hello", "Hi.\n")

    result = run_runnerly("mail", "zzzzzzzz", env=launcher_env)

    assert result.returncode == 1
    assert "no captured message has the id 'zzzzzzzz'" in result.stderr
