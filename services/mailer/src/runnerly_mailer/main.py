"""The mailer's app: ``uvicorn --factory runnerly_mailer.main:create_app``."""

from __future__ import annotations

from fastapi import FastAPI

from runnerly_kit.app import ServiceDefinition
from runnerly_kit.app import create_app as create_service_app
from runnerly_mailer import __version__
from runnerly_mailer.commands import purge_handlers, send_handlers
from runnerly_mailer.delivery import deliver_emails
from runnerly_mailer.emails.endpoints import router as emails_router
from runnerly_mailer.export.endpoints import router as export_router
from runnerly_mailer.settings import MailerSettings


def create_app(settings: MailerSettings | None = None) -> FastAPI:
    """Build the mailer (settings from the environment unless given)."""
    return create_service_app(
        settings or MailerSettings(),
        ServiceDefinition(
            title="Runnerly mailer",
            version=__version__,
            description=(
                "Renders mailer.email.send.v1 commands from templates and delivers them "
                "over SMTP, with retries and dead letters."
            ),
            routers=[emails_router, export_router],
            consumers=[send_handlers, purge_handlers],
            workers=[deliver_emails],
        ),
    )
