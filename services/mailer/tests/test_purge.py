"""A deleted runner is forgotten: users.user.deleted.v1 deletes the emails about them."""

from __future__ import annotations

import uuid

from runnerly_contracts.users import UserDeleted
from runnerly_kit.columns import utcnow
from runnerly_kit.events import Envelope
from runnerly_mailer.models import EmailStatus

from .smtp_sink import SmtpSink
from .support import Mailer, command, eventually


async def test_the_emails_of_a_deleted_runner_are_deleted(
    mailer: Mailer, smtp_sink: SmtpSink
) -> None:
    """Sent or dead, every email about the runner goes; other runners' emails stay."""
    gone, stays = str(uuid.uuid4()), str(uuid.uuid4())
    sent = command(about=gone)
    dead = command("no_such_template", about=gone)
    other = command(recipient="other@example.org", about=stays)
    for envelope in (sent, dead, other):
        await mailer.publish(envelope)
    await mailer.settled(sent, EmailStatus.sent)
    await mailer.settled(dead, EmailStatus.dead)
    await mailer.settled(other, EmailStatus.sent)

    await mailer.publish(
        Envelope(
            id=uuid.uuid4(),
            type=UserDeleted.event_type,
            occurred_at=utcnow(),
            source="users",
            subject=gone,
            data=UserDeleted(user_id=gone).model_dump(mode="json"),
        )
    )

    async def forgotten() -> bool:
        return [email.subject for email in await mailer.emails()] == [stays]

    await eventually(forgotten, "the deleted runner's emails were deleted")
    assert len(smtp_sink.messages) == 2
