"""Turning a rendered email into a MIME message and handing it to the SMTP server."""

from __future__ import annotations

import uuid
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

import aiosmtplib

from runnerly_mailer.rendering import RenderedEmail
from runnerly_mailer.settings import MailerSettings, SmtpSecurity, sender_address


def build_message(
    settings: MailerSettings,
    email_id: uuid.UUID,
    recipient: str,
    rendered: RenderedEmail,
    now: datetime,
) -> EmailMessage:
    """A multipart/alternative message: plain text first, HTML preferred by capable clients."""
    message = EmailMessage()
    message["Subject"] = rendered.subject
    message["From"] = sender_address(settings)
    message["To"] = recipient
    message["Date"] = format_datetime(now)
    # Derived from the email's id, so a resend after a lost reply carries the
    # same Message-ID and a receiving server can drop the copy.
    message["Message-ID"] = f"<{email_id}@{settings.sender_domain}>"
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    return message


async def send_message(settings: MailerSettings, message: EmailMessage) -> None:
    """Deliver ``message`` to the configured SMTP server; raise on any failure."""
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    await aiosmtplib.send(
        message,
        hostname=settings.smtp_host,
        port=settings.smtp_port,
        username=settings.smtp_username,
        password=password,
        use_tls=settings.smtp_security is SmtpSecurity.tls,
        # False, not None: None would upgrade opportunistically, and a sink that
        # advertises STARTTLS without a certificate would then fail every send.
        start_tls=settings.smtp_security is SmtpSecurity.starttls,
        timeout=settings.smtp_timeout_seconds,
    )
