"""Helpers of the mailer's tests: settings, a handle on a running mailer, commands, waiting."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any

import nats
from sqlalchemy import select

from runnerly_contracts.mailer import SendEmail
from runnerly_kit.columns import utcnow
from runnerly_kit.events import Envelope, event_subject
from runnerly_kit.migrations import migrate_service
from runnerly_kit.testing.plugin import TestDatabase
from runnerly_kit.testing.stack import ServiceStack
from runnerly_mailer.main import create_app
from runnerly_mailer.manifest import MANIFEST
from runnerly_mailer.models import OutgoingEmail
from runnerly_mailer.settings import MailerSettings

LINK = "http://127.0.0.1:8700/activate?token=tok-123&src=mail"


def own_settings(smtp_port: int) -> dict[str, object]:
    """The mailer's own settings in tests: the test's SMTP server, tiny retry delays."""
    return {
        "smtp_port": smtp_port,
        "smtp_timeout_seconds": 2.0,
        "retry_base_seconds": 0.05,
        "retry_cap_seconds": 0.2,
        "poll_seconds": 0.5,
    }


def running_mailer(
    database: TestDatabase, nats_url: str, smtp_port: int, **overrides: object
) -> AbstractAsyncContextManager[Mailer]:
    """A mailer process on a migrated test database, stopped when the block ends.

    Not migrated here: replicas and restarts share the database the test migrated once.
    """
    return Mailer.start(
        create_app,
        MailerSettings,
        MANIFEST,
        database=database,
        nats_url=nats_url,
        settings={**own_settings(smtp_port), **overrides},
        migrate=False,
        watch_events=None,
    )


async def migrate(database: TestDatabase, migrations: Any = None) -> None:
    """Apply a service's migrations (the mailer's unless given) to a test database."""
    directory = migrations or MANIFEST.migrations_dir
    await migrate_service(directory, database.url, schema=database.schema or None)


def command(
    template: str = "activation",
    recipient: str = "ada@example.org",
    *,
    about: str | None = None,
    **data: Any,
) -> Envelope:
    """A SendEmail command as the users service's outbox publishes it (about a runner's id)."""
    payload = SendEmail(
        recipient=recipient,
        template=template,
        data=data or {"name": "Ada", "link": LINK},
    )
    return Envelope(
        id=uuid.uuid4(),
        type=SendEmail.event_type,
        occurred_at=utcnow(),
        source="users",
        subject=about or str(uuid.uuid4()),
        data=payload.model_dump(mode="json"),
    )


class Mailer(ServiceStack[MailerSettings]):
    """A running mailer and an HTTP client on it."""

    async def publish(self, envelope: Envelope) -> None:
        """Publish a command on the real broker, through the mailer's own connection."""
        broker = self.runtime.broker
        assert broker is not None
        await broker.publish(envelope)

    async def redeliver(self, envelope: Envelope) -> None:
        """Publish the same envelope under another broker message id.

        That is what a consumer meets when a publisher re-sends after the
        broker's de-duplication window: the same command, delivered again.
        """
        client = await nats.connect(self.settings.nats_url)
        try:
            await client.jetstream().publish(
                event_subject(envelope.type),
                envelope.model_dump_json().encode(),
                headers={"Nats-Msg-Id": f"again-{envelope.id}"},
            )
        finally:
            await client.close()

    async def emails(self) -> Sequence[OutgoingEmail]:
        """Every stored email, oldest first."""
        async with self.runtime.db.transaction(write=False) as session:
            rows = await session.scalars(select(OutgoingEmail).order_by(OutgoingEmail.created_at))
            return rows.all()

    async def settled(self, envelope: Envelope, status: str) -> OutgoingEmail:
        """The email of a command once it has reached ``status``."""

        async def reached() -> bool:
            email = await self.email_of(envelope)
            return email is not None and email.status == status

        await eventually(reached, f"the email reached status {status}")
        email = await self.email_of(envelope)
        assert email is not None
        return email

    async def email_of(self, envelope: Envelope) -> OutgoingEmail | None:
        """The email stored for a command, if it arrived."""
        async with self.runtime.db.transaction(write=False) as session:
            return await session.scalar(
                select(OutgoingEmail).where(OutgoingEmail.event_id == envelope.id)
            )


async def eventually(check: Callable[[], Awaitable[bool]], what: str, seconds: float = 15) -> None:
    """Wait until ``check`` holds; fail naming ``what`` if it never does (a hang, not a timing)."""
    for _ in range(int(seconds / 0.05)):
        if await check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"never happened: {what}")
