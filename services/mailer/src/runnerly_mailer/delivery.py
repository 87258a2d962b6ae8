"""The delivery worker: claims due emails, renders them, sends them, and settles each attempt.

Nothing is lost while the SMTP server is away: a failed attempt only moves the
email's next attempt later (capped exponential backoff with jitter), and after
``max_attempts`` it is kept as ``dead`` for an operator to retry. Each attempt
is logged with its recipient, template, outcome and number, never with the
body or the data (they hold one-time links).
"""

from __future__ import annotations

from typing import Any

import aiosmtplib
from prometheus_client import CollectorRegistry, Counter

from runnerly_kit import doorbell
from runnerly_kit.columns import utcnow
from runnerly_kit.db import Database
from runnerly_kit.logs import get_logger
from runnerly_kit.runtime import Runtime
from runnerly_mailer.dependencies import settings_of
from runnerly_mailer.emails import service
from runnerly_mailer.models import EmailStatus, OutgoingEmail
from runnerly_mailer.rendering import Renderer, UnsendableEmail
from runnerly_mailer.settings import MailerSettings
from runnerly_mailer.smtp import build_message, send_message

_log = get_logger("runnerly.mailer.delivery")


_MIN_WAIT_SECONDS = 0.02


class SendMetrics:
    """Send attempts by template and outcome (``sent``, ``retry``, ``dead``), on ``/metrics``."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.counter = Counter(
            "mailer_send_attempts",
            "Send attempts of outgoing emails, by template and outcome.",
            ("template", "outcome"),
            registry=registry,
        )

    def count(self, template: str, outcome: str) -> None:
        """Count one attempt."""
        self.counter.labels(template, outcome).inc()


async def deliver_emails(runtime: Runtime) -> None:
    """The worker: deliver due emails until cancelled, woken by new ones or by the next due."""
    settings = settings_of(runtime)
    renderer = Renderer()
    attempts = SendMetrics(runtime.registry)
    bell = doorbell.Doorbell()
    doorbell.register(runtime.db, bell)
    try:
        while True:
            bell.reset()
            wait = settings.poll_seconds
            try:
                claimed = await deliver_due(runtime.db, settings, renderer, attempts)
                if claimed >= settings.batch_size:
                    continue  # more may be waiting: no pause
                due_in = await service.time_until_next_due(runtime.db, utcnow())
                if due_in is not None:
                    # A floor, so a due row another replica holds right now is
                    # waited for rather than spun on.
                    wait = min(wait, max(due_in, _MIN_WAIT_SECONDS))
            except Exception:  # the database is away (or a bug): try again next round
                _log.exception("mail_delivery_round_failed")
            await bell.wait(wait)
    finally:
        doorbell.unregister(runtime.db, bell)


async def deliver_due(
    database: Database, settings: MailerSettings, renderer: Renderer, attempts: SendMetrics
) -> int:
    """Claim the emails that are due and try each once; return how many were claimed."""
    emails = await service.claim_due_emails(database, settings, utcnow())
    for email in emails:
        await _deliver(database, settings, renderer, attempts, email)
    return len(emails)


async def _deliver(
    database: Database,
    settings: MailerSettings,
    renderer: Renderer,
    attempts: SendMetrics,
    email: OutgoingEmail,
) -> None:
    attempt = email.attempts + 1
    fields: dict[str, Any] = {
        "email_id": str(email.id),
        "recipient": email.recipient,
        "template": email.template,
        "attempt": attempt,
    }
    try:
        rendered = renderer.render(email.template, email.data)
    except UnsendableEmail as exc:
        status = await service.record_failure(
            database, settings, email, str(exc), utcnow(), permanent=True
        )
        attempts.count(email.template, "dead")
        _log.error("mail_unsendable", status=status, error=str(exc), **fields)
        return
    message = build_message(settings, email.id, email.recipient, rendered, utcnow())
    try:
        await send_message(settings, message)
    except Exception as exc:  # any failure of this attempt is the email's, not the worker's
        error = f"{type(exc).__name__}: {exc}"
        status = await service.record_failure(
            database, settings, email, error, utcnow(), permanent=_is_permanent(exc)
        )
        dead = status == EmailStatus.dead
        attempts.count(email.template, "dead" if dead else "retry")
        log = _log.error if dead else _log.warning
        log("mail_send_failed", status=status, error=error, **fields)
        return
    await service.record_sent(database, email, utcnow())
    attempts.count(email.template, "sent")
    _log.info("mail_sent", status=EmailStatus.sent, **fields)


def _is_permanent(exc: Exception) -> bool:
    """A 5xx reply (e.g. "no such user") will not change by asking again."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        return all(500 <= refusal.code < 600 for refusal in exc.recipients)
    return isinstance(exc, aiosmtplib.SMTPResponseException) and 500 <= exc.code < 600
