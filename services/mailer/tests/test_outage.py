"""No email is lost while the SMTP server is away: retried with backoff, then a dead letter."""

from __future__ import annotations

from runnerly_mailer.models import EmailStatus

from .conftest import StartMailer
from .smtp_sink import SmtpSink
from .support import LINK, Mailer, command, eventually


async def test_mail_queued_during_an_outage_is_delivered_when_the_server_returns(
    start_mailer: StartMailer, smtp_sink: SmtpSink
) -> None:
    """With the SMTP server down the email stays queued, attempts and error recorded; then sent."""
    # Attempts enough that the tiny test backoff cannot use them all up during the outage.
    mailer = await start_mailer(max_attempts=10_000)
    smtp_sink.stop()
    envelope = command(name="Ada", link=LINK)

    await mailer.publish(envelope)

    async def failed_twice() -> bool:
        email = await mailer.email_of(envelope)
        return email is not None and email.attempts >= 2

    await eventually(failed_twice, "two failed attempts were recorded")
    waiting = await mailer.email_of(envelope)
    assert waiting is not None
    assert waiting.status == EmailStatus.queued
    assert waiting.last_error is not None
    assert "SMTPConnectError" in waiting.last_error
    assert waiting.sent_at is None
    assert smtp_sink.messages == []

    smtp_sink.start()  # the same port, as after a restart
    await eventually(lambda: _count(smtp_sink, 1), "the email was delivered after the outage")

    sent = await mailer.settled(envelope, EmailStatus.sent)
    assert sent.attempts > waiting.attempts
    assert sent.last_error is None
    body = smtp_sink.messages[0].message.get_body(("plain",))
    assert body is not None
    assert LINK in body.get_content()
    metrics = (await mailer.http.get("/metrics")).text
    assert 'mailer_send_attempts_total{outcome="sent",template="activation"} 1.0' in metrics
    assert 'mailer_send_attempts_total{outcome="retry",template="activation"}' in metrics


async def test_an_email_out_of_attempts_is_dead_and_kept(
    start_mailer: StartMailer, smtp_sink: SmtpSink
) -> None:
    """After max_attempts failed sends the email is dead, with its attempts and last error."""
    mailer = await start_mailer(max_attempts=3)
    smtp_sink.stop()
    envelope = command()

    await mailer.publish(envelope)

    async def dead() -> bool:
        email = await mailer.email_of(envelope)
        return email is not None and email.status == EmailStatus.dead

    await eventually(dead, "the email was given up on")
    email = await mailer.email_of(envelope)
    assert email is not None
    assert email.attempts == 3
    assert email.last_error is not None
    assert email.data  # kept, so an operator's retry can still render it
    smtp_sink.start()
    # Nothing retries a dead email by itself: a later email goes, the dead one stays.
    await mailer.publish(command(recipient="later@example.org"))
    await eventually(lambda: _count(smtp_sink, 1), "a later email was sent")
    assert [r.recipients for r in smtp_sink.messages] == [["later@example.org"]]
    still = await mailer.email_of(envelope)
    assert still is not None
    assert still.status == EmailStatus.dead


async def _count(sink: SmtpSink, n: int) -> bool:
    return len(sink.messages) >= n


async def test_a_refused_recipient_is_dead_at_once(mailer: Mailer, smtp_sink: SmtpSink) -> None:
    """A permanent refusal (550) is not retried: the email is dead after one attempt."""
    envelope = command(recipient="nobody@example.org")

    await mailer.publish(envelope)

    async def settled() -> bool:
        email = await mailer.email_of(envelope)
        return email is not None and email.status != EmailStatus.queued

    await eventually(settled, "the refused email was settled")
    email = await mailer.email_of(envelope)
    assert email is not None
    assert email.status == EmailStatus.dead
    assert email.attempts == 1
    assert email.last_error is not None
    assert "550" in email.last_error
    assert smtp_sink.messages == []
