"""Several mailers on one database share the work, and a restart loses nothing."""

from __future__ import annotations

from runnerly_kit.testing.nats import NatsServer
from runnerly_kit.testing.plugin import TestDatabase
from runnerly_mailer.models import EmailStatus

from .conftest import StartMailer
from .smtp_sink import SmtpSink
from .support import command, eventually, running_mailer


async def test_two_replicas_send_each_email_exactly_once(
    start_mailer: StartMailer, smtp_sink: SmtpSink
) -> None:
    """Two mailers on one database and one durable consumer: twelve commands, twelve emails."""
    first = await start_mailer()
    second = await start_mailer()
    envelopes = [command(recipient=f"runner{i}@example.org") for i in range(12)]

    for index, envelope in enumerate(envelopes):
        await (first if index % 2 else second).publish(envelope)
    await eventually(lambda: _count(smtp_sink, 12), "every email was sent")

    recipients = sorted(r.recipients[0] for r in smtp_sink.messages)
    assert recipients == sorted(f"runner{i}@example.org" for i in range(12))
    for envelope in envelopes:
        await first.settled(envelope, EmailStatus.sent)


async def test_a_queued_email_survives_a_restart_of_the_mailer(
    migrated_database: TestDatabase, broker: NatsServer, smtp_sink: SmtpSink
) -> None:
    """Queued while SMTP is down, the mailer stops; the next mailer on the database sends it."""
    smtp_sink.stop()
    envelope = command()

    async with running_mailer(migrated_database, broker.url, smtp_sink.port) as before:
        await before.publish(envelope)

        async def failed() -> bool:
            email = await before.email_of(envelope)
            return email is not None and email.attempts >= 1

        await eventually(failed, "a failed attempt was recorded")

    smtp_sink.start()
    async with running_mailer(migrated_database, broker.url, smtp_sink.port) as after:
        await eventually(lambda: _count(smtp_sink, 1), "the email was sent after the restart")
        await after.settled(envelope, EmailStatus.sent)


async def _count(sink: SmtpSink, n: int) -> bool:
    return len(sink.messages) >= n
