"""The whole accounts system, for real, on loopback: NATS, the token dealer, users, the mailer
and the SMTP sink — each service with its own database, wired as `runnerly up` wires them.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from runnerly_kit.migrations import migrate_service
from runnerly_kit.settings import Environment
from runnerly_kit.testing.ports import free_port
from runnerly_kit.testing.servers import serve
from runnerly_launcher import mailbox
from runnerly_launcher.mailsink import running_sink
from runnerly_mailer.main import create_app as create_mailer
from runnerly_mailer.manifest import MANIFEST as MAILER
from runnerly_mailer.settings import MailerSettings
from runnerly_tokendealer.manifest import MANIFEST as TOKENDEALER
from runnerly_tokendealer.testing import Client, running_tokendealer
from runnerly_users.main import create_app as create_users
from runnerly_users.manifest import MANIFEST as USERS
from runnerly_users.settings import UsersSettings

DASHBOARD_SECRET = "dashboard-secret-for-the-e2e-tests"
ADMIN_EMAIL = "coach@example.org"
SECRETS = {name: f"{name}-secret-for-the-e2e-tests" for name in ("tokendealer", "users", "mailer")}
LINK = re.compile(r"https?://\S+?token=([A-Za-z0-9_\-]+)")


@dataclass
class System:
    """Base URLs of the running services, the mail folder, and an HTTP client."""

    tokendealer: str
    users: str
    mailer: str
    mail_dir: Path
    http: httpx.AsyncClient
    #: Each service's database URL, for checking what a service still holds.
    databases: dict[str, str]

    async def mail_to(self, recipient: str, *, count: int = 1) -> mailbox.MailMessage:
        """The ``count``-th message the sink caught for ``recipient`` (waits for it)."""
        async with asyncio.timeout(30):
            while True:
                found = [
                    summary
                    for summary in mailbox.list_messages(self.mail_dir)
                    if recipient in summary.recipients
                ]
                if len(found) >= count:
                    return mailbox.load(found[count - 1].path)
                await asyncio.sleep(0.05)

    async def login(self, email: str, password: str) -> httpx.Response:
        """The dashboard's password grant for a runner."""
        return await self.http.post(
            f"{self.tokendealer}/oauth/token",
            data={"grant_type": "password", "username": email, "password": password},
            auth=("dashboard", DASHBOARD_SECRET),
        )

    async def refresh(self, refresh_token: str) -> httpx.Response:
        """The dashboard refreshing a runner's session."""
        return await self.http.post(
            f"{self.tokendealer}/oauth/token",
            data={"grant_type": "refresh_token", "refresh_token": refresh_token},
            auth=("dashboard", DASHBOARD_SECRET),
        )

    async def logout(self, refresh_token: str) -> httpx.Response:
        """The dashboard revoking a runner's session (RFC 7009)."""
        return await self.http.post(
            f"{self.tokendealer}/oauth/revoke",
            data={"token": refresh_token},
            auth=("dashboard", DASHBOARD_SECRET),
        )


def link_token(message: mailbox.MailMessage) -> str:
    """The token of the link in an email's text."""
    match = LINK.search(message.text)
    assert match is not None, message.text
    return match.group(1)


def _clients() -> list[Client]:
    """The dashboard (which logs runners in) and each service's own client."""
    return [
        Client(
            "dashboard",
            frozenset({"runner", "admin"}),
            frozenset({"password", "refresh_token"}),
            secret=DASHBOARD_SECRET,
        ),
        *(
            Client(m.name, frozenset(m.client_scopes), secret=SECRETS[m.name])
            for m in (TOKENDEALER, USERS, MAILER)
        ),
    ]


@contextlib.asynccontextmanager
async def running_system(data: Path, nats_url: str) -> AsyncIterator[System]:
    """Start every service of story 1 on free ports; stop them all afterwards."""
    ports = {name: free_port() for name in ("tokendealer", "users", "mailer", "smtp")}
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    databases = {name: f"sqlite+aiosqlite:///{data / name}.db" for name in SECRETS}
    for manifest in (USERS, MAILER):
        await migrate_service(manifest.migrations_dir, databases[manifest.name])
    users = UsersSettings(
        environment=Environment.test,
        nats_url=nats_url,
        tokendealer_url=urls["tokendealer"],
        port=ports["users"],
        database_url=databases["users"],
        client_secret=SECRETS["users"],
        dashboard_url="http://dashboard.test",
        admin_emails=frozenset({ADMIN_EMAIL}),
    )
    mailer = MailerSettings(
        environment=Environment.test,
        nats_url=nats_url,
        tokendealer_url=urls["tokendealer"],
        port=ports["mailer"],
        database_url=databases["mailer"],
        client_secret=SECRETS["mailer"],
        smtp_port=ports["smtp"],
        retry_base_seconds=0.05,
        retry_cap_seconds=0.2,
        poll_seconds=0.1,
    )
    mail_dir = data / "mail"
    async with (
        running_sink(mail_dir, "127.0.0.1", ports["smtp"]),
        running_tokendealer(
            data,
            nats_url,
            _clients(),
            port=ports["tokendealer"],
            users_url=urls["users"],
            client_secret=SECRETS["tokendealer"],
        ),
        serve(create_users(users), port=ports["users"]),
        serve(create_mailer(mailer), port=ports["mailer"]),
        httpx.AsyncClient(timeout=10) as http,
    ):
        yield System(urls["tokendealer"], urls["users"], urls["mailer"], mail_dir, http, databases)
