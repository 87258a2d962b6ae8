"""The whole system, for real, on loopback: NATS, the token dealer, users, the mailer, the SMTP
sink, runs, strava and the dashboard serving the built app (``web/dist``) — each service with its
own database, wired as `runnerly up` wires them — and the local Strava server standing in for
strava.com (the one third party). The emails' links point at this dashboard.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import text

from runnerly_dashboard.main import create_app as create_dashboard
from runnerly_dashboard.manifest import MANIFEST as DASHBOARD
from runnerly_dashboard.settings import DashboardSettings
from runnerly_kit.db import Database
from runnerly_kit.migrations import migrate_service
from runnerly_kit.settings import Environment
from runnerly_kit.testing.ports import free_port
from runnerly_kit.testing.servers import serve
from runnerly_launcher import mailbox
from runnerly_launcher.login import CLI_CLIENT_ID, CLI_GRANT_TYPES, CLI_SCOPES
from runnerly_launcher.mailsink import running_sink
from runnerly_mailer.main import create_app as create_mailer
from runnerly_mailer.manifest import MANIFEST as MAILER
from runnerly_mailer.settings import MailerSettings
from runnerly_runs.manifest import MANIFEST as RUNS
from runnerly_runs.testing import running_runs
from runnerly_strava.main import create_app as create_strava
from runnerly_strava.manifest import MANIFEST as STRAVA
from runnerly_strava.settings import StravaSettings
from runnerly_strava.testing import FakeStrava
from runnerly_tokendealer.manifest import MANIFEST as TOKENDEALER
from runnerly_tokendealer.testing import (
    Client,
    LocalTokenDealer,
    ManualClock,
    running_tokendealer,
)
from runnerly_users.main import create_app as create_users
from runnerly_users.manifest import MANIFEST as USERS
from runnerly_users.settings import UsersSettings

ROOT = Path(__file__).resolve().parents[2]
#: The app the dashboard serves: `npm run build` (make web) writes it.
WEB_DIST = ROOT / "web" / "dist"
DASHBOARD_SECRET = "dashboard-secret-for-the-e2e-tests"
DASHBOARD_SESSION_KEY = "dashboard-session-encryption-key-for-the-e2e-tests"
CLI_SECRET = "runnerly-cli-secret-for-the-e2e-tests"
ADMIN_EMAIL = "coach@example.org"
SERVICES = ("tokendealer", "users", "mailer", "runs", "strava")
SECRETS = {name: f"{name}-secret-for-the-e2e-tests" for name in SERVICES}
#: Every service serves its part of a runner's data (the kit's export convention).
EXPORT_SERVICES = ("users", "runs", "strava", "tokendealer", "mailer")
LINK = re.compile(r"https?://\S+?token=([A-Za-z0-9_\-]+)")
#: The strava service's own secrets (the launcher generates them: ``generated_secrets``).
STRAVA_TOKEN_ENCRYPTION_KEY = "strava-token-encryption-key-for-the-e2e-tests"
STRAVA_WEBHOOK_VERIFY_TOKEN = "strava-webhook-verify-token-for-the-e2e-tests"
#: Strava's windows are a quarter hour and a day; one second here on both sides (the local
#: Strava counts in them, the service paces in them), so that backing off a 429 takes a second.
RATE_WINDOW_SECONDS = 1.0


@dataclass(frozen=True)
class LoggedIn:
    """A logged-in user: their id, the scopes granted, and their bearer header."""

    id: str
    scopes: list[str]
    headers: dict[str, str]


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
    runs: str
    strava: str
    #: The local Strava: its athletes, activities, test controls and the calls it received.
    strava_fake: FakeStrava
    #: The running token dealer, for a token signed for a subject users no longer knows.
    token_dealer: LocalTokenDealer
    #: The token dealer's throttle clock: it moves only when a test advances it.
    login_clock: ManualClock
    #: The dashboard (the app and its BFF), where the emails' links point.
    dashboard: str
    #: Stops the runs service (the rest keeps running): for a screen whose service is down.
    stop_runs: Callable[[], Awaitable[None]]

    async def mail_to(self, recipient: str, *, count: int = 1) -> mailbox.MailMessage:
        """The ``count``-th message the sink caught for ``recipient`` (waits for it)."""
        async with asyncio.timeout(120):  # a bound on failure
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

    async def signed_up(self, email: str, password: str, name: str = "Ada") -> LoggedIn:
        """A runner as the dashboard sees one: signed up, activated through the mailed link,
        logged in with the password grant."""
        signed_up = await self.http.post(
            f"{self.users}/v1/accounts", json={"email": email, "password": password, "name": name}
        )
        assert signed_up.status_code == 202, signed_up.text
        activation = await self.mail_to(email.lower())
        activated = await self.http.post(
            f"{self.users}/v1/activations", json={"token": link_token(activation)}
        )
        assert activated.status_code == 204, activated.text
        login = await self.login(email, password)
        assert login.status_code == 200, login.text
        tokens = login.json()
        bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
        me = await self.http.get(f"{self.users}/v1/runners/me", headers=bearer)
        assert me.status_code == 200, me.text
        return LoggedIn(me.json()["id"], tokens["scope"].split(), bearer)

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
        # `runnerly login`'s client, as the launcher registers it.
        Client(CLI_CLIENT_ID, frozenset(CLI_SCOPES), frozenset(CLI_GRANT_TYPES), secret=CLI_SECRET),
        *(
            Client(m.name, frozenset(m.client_scopes), secret=SECRETS[m.name])
            for m in (TOKENDEALER, USERS, MAILER, RUNS, STRAVA)
        ),
    ]


@contextlib.asynccontextmanager
async def running_system(data: Path, nats_url: str) -> AsyncIterator[System]:
    """Start every service and the local Strava on free ports; stop them all afterwards."""
    # The local Strava's port too: picked apart from the others, none can be handed out twice.
    ports = _distinct_ports((*SERVICES, "dashboard", "smtp", "strava_fake"))
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    databases = {name: f"sqlite+aiosqlite:///{data / name}.db" for name in (*SERVICES, "dashboard")}
    # The token dealer and runs migrate their own.
    for manifest in (USERS, MAILER, STRAVA, DASHBOARD):
        await migrate_service(manifest.migrations_dir, databases[manifest.name])
    users = UsersSettings(
        environment=Environment.test,
        nats_url=nats_url,
        tokendealer_url=urls["tokendealer"],
        port=ports["users"],
        database_url=databases["users"],
        client_secret=SECRETS["users"],
        dashboard_url=urls["dashboard"],
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
    strava_fake = FakeStrava(window_seconds=RATE_WINDOW_SECONDS)
    strava_fake.url = urls["strava_fake"]
    login_clock = ManualClock()
    # Runs on a stack of its own, which a test may close early (System.stop_runs).
    runs_stack = contextlib.AsyncExitStack()
    async with (
        runs_stack,
        serve(strava_fake.app, port=ports["strava_fake"]),
        running_sink(mail_dir, "127.0.0.1", ports["smtp"]),
        running_tokendealer(
            data,
            nats_url,
            _clients(),
            port=ports["tokendealer"],
            users_url=urls["users"],
            client_secret=SECRETS["tokendealer"],
            clock=login_clock,
        ) as token_dealer,
        serve(create_users(users), port=ports["users"]),
        serve(create_mailer(mailer), port=ports["mailer"]),
    ):
        await runs_stack.enter_async_context(
            running_runs(
                data,
                nats_url,
                urls["tokendealer"],
                port=ports["runs"],
                database_url=databases["runs"],
                client_secret=SECRETS["runs"],
            )
        )
        async with _the_rest(ports, urls, databases, nats_url, strava_fake) as http:
            yield System(
                tokendealer=urls["tokendealer"],
                users=urls["users"],
                mailer=urls["mailer"],
                mail_dir=mail_dir,
                http=http,
                databases=databases,
                runs=urls["runs"],
                strava=urls["strava"],
                strava_fake=strava_fake,
                token_dealer=token_dealer,
                login_clock=login_clock,
                dashboard=urls["dashboard"],
                stop_runs=runs_stack.aclose,
            )


@contextlib.asynccontextmanager
async def _the_rest(
    ports: dict[str, int],
    urls: dict[str, str],
    databases: dict[str, str],
    nats_url: str,
    strava_fake: FakeStrava,
) -> AsyncIterator[httpx.AsyncClient]:
    """Strava and the dashboard, which call runs (started before them), and a test's client."""
    async with (
        serve(
            create_strava(_strava_settings(ports, urls, databases, nats_url, strava_fake)),
            port=ports["strava"],
        ),
        serve(
            create_dashboard(_dashboard_settings(ports, urls, databases, nats_url)),
            port=ports["dashboard"],
        ),
        httpx.AsyncClient(timeout=60) as http,
    ):
        yield http


def _distinct_ports(names: tuple[str, ...]) -> dict[str, int]:
    """A free port for each name, no two the same (the OS may hand one out twice in a row)."""
    ports: dict[str, int] = {}
    while len(ports) < len(names):
        port = free_port()
        if port not in ports.values():
            ports[names[len(ports)]] = port
    return ports


def _strava_settings(
    ports: dict[str, int],
    urls: dict[str, str],
    databases: dict[str, str],
    nats_url: str,
    strava_fake: FakeStrava,
) -> StravaSettings:
    """The strava service against the local Strava, with the application it knows."""
    return StravaSettings(
        environment=Environment.test,
        nats_url=nats_url,
        tokendealer_url=urls["tokendealer"],
        port=ports["strava"],
        database_url=databases["strava"],
        client_secret=SECRETS["strava"],
        strava_client_id=strava_fake.client_id,
        strava_client_secret=strava_fake.client_secret,
        strava_api_url=strava_fake.url,
        strava_oauth_url=f"{strava_fake.url}/oauth",
        token_encryption_key=STRAVA_TOKEN_ENCRYPTION_KEY,
        webhook_verify_token=STRAVA_WEBHOOK_VERIFY_TOKEN,
        runs_url=urls["runs"],
        public_url=urls["strava"],
        dashboard_url=urls["dashboard"],
        rate_limit_window_seconds=RATE_WINDOW_SECONDS,
        # The worker is woken by each commit that queues a job; a short poll and short
        # retries keep a retried job (after a 401 or a 429) from waiting long in a test.
        poll_seconds=0.2,
        retry_base_seconds=0.05,
        retry_cap_seconds=0.5,
    )


def _dashboard_settings(
    ports: dict[str, int], urls: dict[str, str], databases: dict[str, str], nats_url: str
) -> DashboardSettings:
    """The dashboard as `runnerly up` runs it: the built app, every service behind it."""
    return DashboardSettings(
        # Development, as on `runnerly up`: the plain-HTTP session cookie a browser keeps
        # on http://127.0.0.1 (outside development it is __Host- and Secure).
        environment=Environment.development,
        nats_url=nats_url,
        tokendealer_url=urls["tokendealer"],
        port=ports["dashboard"],
        database_url=databases["dashboard"],
        client_secret=DASHBOARD_SECRET,
        session_encryption_key=DASHBOARD_SESSION_KEY,
        public_url=urls["dashboard"],
        web_dir=WEB_DIST,
        users_url=urls["users"],
        runs_url=urls["runs"],
        strava_url=urls["strava"],
        # "Download my data" from every service that keeps something about a runner.
        export_services=EXPORT_SERVICES,
        export_urls={name: urls[name] for name in EXPORT_SERVICES},
    )


async def rows_about(system: System, service: str, tables: tuple[str, ...], runner: str) -> int:
    """How many rows of ``tables`` in the service's own database mention the runner."""
    database = Database(system.databases[service])
    try:
        async with database.transaction(write=False) as session:
            total = 0
            for table in tables:
                count = await session.scalar(
                    text(f"SELECT count(*) FROM {table} WHERE runner_id = :runner"),
                    {"runner": runner},
                )
                total += int(count or 0)
    finally:
        await database.dispose()
    return total
