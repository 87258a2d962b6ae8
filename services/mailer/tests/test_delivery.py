"""Commands on the real broker become emails at a real SMTP server: once, both parts, no leaks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from runnerly_kit.testing.logs import captured_logs
from runnerly_mailer.models import EmailStatus

from .smtp_sink import SmtpSink
from .support import LINK, Mailer, command, eventually


async def test_a_command_arrives_as_a_two_part_email(mailer: Mailer, smtp_sink: SmtpSink) -> None:
    """An activation command is delivered with a subject, From, To, text and escaped HTML parts."""
    envelope = command(recipient="ada@example.org", name="Ada <Lovelace>", link=LINK)

    await mailer.publish(envelope)
    await eventually(lambda: _count(smtp_sink, 1), "the email reached the SMTP server")

    received = smtp_sink.messages[0]
    message = received.message
    assert received.recipients == ["ada@example.org"]
    assert message["To"] == "ada@example.org"
    assert message["From"] == "Runnerly <no-reply@runnerly.localhost>"
    assert message["Subject"] == "Activate your Runnerly account"
    assert message["Message-ID"].endswith("@runnerly.localhost>")
    assert message["Date"]
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None
    assert html is not None
    assert LINK in text.get_content()
    assert "Ada <Lovelace>" in text.get_content()
    # The HTML part escapes what the runner typed, and the link's "&" as HTML requires.
    assert "Ada &lt;Lovelace&gt;" in html.get_content()
    assert LINK.replace("&", "&amp;") in html.get_content()
    # The server's reply comes before the mailer records it: wait for the record.
    stored = await mailer.settled(envelope, EmailStatus.sent)
    assert stored.attempts == 1
    assert stored.sent_at is not None
    assert stored.data == {}  # the one-time link is not kept once delivered


async def test_each_template_renders_its_own_subject_and_links(
    mailer: Mailer, smtp_sink: SmtpSink
) -> None:
    """account_exists, password_reset and email_change each carry their subject and links."""
    base = "http://127.0.0.1:8700"
    await mailer.publish(
        command(
            "account_exists",
            name="Bo",
            login_link=f"{base}/login",
            reset_link=f"{base}/reset-password",
        )
    )
    await mailer.publish(
        command("password_reset", name="Bo", link=f"{base}/reset-password?token=r1")
    )
    await mailer.publish(
        command("email_change", recipient="new@example.org", name="Bo", link=f"{base}/c?token=c1")
    )
    await eventually(lambda: _count(smtp_sink, 3), "three emails reached the SMTP server")

    by_subject = {r.message["Subject"]: r for r in smtp_sink.messages}
    exists = by_subject["You already have a Runnerly account"].message.get_body(("plain",))
    reset = by_subject["Reset your Runnerly password"].message.get_body(("plain",))
    change = by_subject["Confirm your new Runnerly email"]
    assert exists is not None
    assert f"{base}/login" in exists.get_content()
    assert f"{base}/reset-password" in exists.get_content()
    assert reset is not None
    assert f"{base}/reset-password?token=r1" in reset.get_content()
    assert change.recipients == ["new@example.org"]


async def test_the_same_command_delivered_twice_is_sent_once(
    mailer: Mailer, smtp_sink: SmtpSink
) -> None:
    """A redelivered command (same envelope id) is stored and sent once."""
    envelope = command()
    await mailer.publish(envelope)
    await eventually(lambda: _count(smtp_sink, 1), "the first email was sent")

    await mailer.redeliver(envelope)
    # The consumer handles commands in order: once the next one is sent, the copy was handled.
    follow_up = command(recipient="next@example.org")
    await mailer.publish(follow_up)
    await eventually(lambda: _count(smtp_sink, 2), "the follow-up email was sent")

    assert [r.recipients for r in smtp_sink.messages] == [["ada@example.org"], ["next@example.org"]]
    assert len(await mailer.emails()) == 2


async def test_an_unknown_template_is_dead_without_an_smtp_attempt(
    mailer: Mailer, smtp_sink: SmtpSink
) -> None:
    """A command naming no known template is stored as dead with the reason, and never sent."""
    envelope = command("birthday_wishes", name="Ada")

    await mailer.publish(envelope)
    await eventually(lambda: _has_email(mailer, envelope.id), "the unknown command was stored")
    # Sent after it, so once this one arrives the dead one had every chance to be tried.
    await mailer.publish(command(recipient="after@example.org"))
    await eventually(lambda: _count(smtp_sink, 1), "the following email was sent")

    stored = await mailer.email_of(envelope)
    assert stored is not None
    assert stored.status == EmailStatus.dead
    assert stored.attempts == 0
    assert stored.last_error == "unknown template 'birthday_wishes'"
    assert [r.recipients for r in smtp_sink.messages] == [["after@example.org"]]


async def test_a_command_missing_data_is_dead_with_the_reason(mailer: Mailer) -> None:
    """An activation command without its link cannot be sent; the reason names what is missing."""
    envelope = command("activation", name="Ada")

    await mailer.publish(envelope)
    await eventually(lambda: _has_email(mailer, envelope.id), "the command was stored")

    stored = await mailer.email_of(envelope)
    assert stored is not None
    assert stored.status == EmailStatus.dead
    assert stored.last_error == "template 'activation' needs link"


async def test_the_send_log_names_the_email_but_holds_no_body_or_data(
    mailer: Mailer, smtp_sink: SmtpSink
) -> None:
    """Each attempt is logged with recipient, template, status and attempt; never body or link."""
    envelope = command(name="Secretive Name", link=LINK)
    with captured_logs() as logs:
        await mailer.publish(envelope)
        await eventually(lambda: _count(smtp_sink, 1), "the email was sent")
        await eventually(lambda: _logged(logs, "mail_sent"), "the send was logged")

    sent = next(entry for entry in logs if entry["event"] == "mail_sent")
    assert sent["recipient"] == "ada@example.org"
    assert sent["template"] == "activation"
    assert sent["status"] == "sent"
    assert sent["attempt"] == 1
    everything = repr(logs)
    assert "Secretive Name" not in everything
    assert "tok-123" not in everything
    assert "Happy running" not in everything


async def _count(sink: SmtpSink, n: int) -> bool:
    return len(sink.messages) >= n


async def _has_email(mailer: Mailer, event_id: object) -> bool:
    return any(email.event_id == event_id for email in await mailer.emails())


async def _logged(logs: Sequence[Mapping[str, object]], event: str) -> bool:
    return any(entry["event"] == event for entry in logs)
