"""The dashboard's tests: the whole back end for real on loopback, and a browser with a cookie.

Everything is real but Strava: the token dealer (with the dashboard's client,
password and refresh grants), users (Argon2 at its cheapest), the mailer with
the launcher's SMTP sink (activation links are read from real emails), runs,
strava against the local Strava, NATS, and the dashboard itself, whose
session clock the test moves by hand.
"""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy import select

from runnerly_dashboard.dependencies import components_of
from runnerly_dashboard.main import create_app
from runnerly_dashboard.manifest import MANIFEST
from runnerly_dashboard.models import BrowserSession
from runnerly_dashboard.settings import DashboardSettings
from runnerly_kit.settings import Environment
from runnerly_kit.testing.plugin import TestDatabase
from runnerly_kit.testing.ports import free_port
from runnerly_kit.testing.stack import ServiceStack
from runnerly_kit.testing.waiting import eventually
from runnerly_launcher import mailbox
from runnerly_launcher.mailsink import running_sink
from runnerly_mailer.main import create_app as create_mailer
from runnerly_mailer.settings import MailerSettings
from runnerly_runs.testing import running_runs
from runnerly_runs.testing.samples import synthetic_run, to_fit, to_gpx, to_tcx
from runnerly_strava.main import create_app as create_strava
from runnerly_strava.manifest import MANIFEST as STRAVA
from runnerly_strava.settings import StravaSettings
from runnerly_strava.testing import FakeStrava, running_fake_strava
from runnerly_tokendealer.testing import (
    Client,
    LocalTokenDealer,
    ManualClock,
    running_tokendealer,
)
from runnerly_users.main import create_app as create_users
from runnerly_users.manifest import MANIFEST as USERS
from runnerly_users.settings import UsersSettings

SESSION_KEY = "dashboard-session-encryption-key-for-tests-0123456789"
STRAVA_KEY = "strava-token-encryption-key-for-tests-0123456789"
STRAVA_VERIFY = "strava-webhook-verify-token-for-tests-0123456789"
PASSWORD = "correct horse battery staple"
LINK = re.compile(r"https?://\S+?token=([A-Za-z0-9_\-]+)")

#: The dashboard's client as the launcher registers it (its manifest's scopes and grants).
DASHBOARD_CLIENT = Client(
    "dashboard", frozenset(MANIFEST.client_scopes), frozenset(MANIFEST.grant_types)
)
CLIENTS = (
    DASHBOARD_CLIENT,
    Client("tokendealer", frozenset({"users:credentials.check"})),
    Client("strava", frozenset(STRAVA.client_scopes)),
    Client("users", frozenset(USERS.client_scopes)),
    Client("mailer", frozenset()),
    Client("runs", frozenset()),
)
_CLIENT = {client.client_id: client for client in CLIENTS}


def new_email() -> str:
    """An address no other test uses."""
    return f"runner-{uuid.uuid4().hex[:12]}@example.org"


def gpx_file(day: int, *, points: int = 600) -> bytes:
    """A run on the ``day``-th of November 2026, as a GPX file."""
    return to_gpx(_track(day, points))


def tcx_file(day: int) -> bytes:
    """A run as a TCX file."""
    return to_tcx(_track(day, 600))


def fit_file(day: int) -> bytes:
    """A run as a FIT file."""
    return to_fit(_track(day, 600))


def _track(day: int, points: int) -> Any:
    start = datetime(2026, 11, day, 7, 30, tzinfo=UTC)
    return synthetic_run(start=start, points=points, seed=day)


class Stack(ServiceStack[DashboardSettings]):
    """The dashboard, with every service behind it (see :func:`running_backend`)."""

    backend: Backend
    clock: ManualClock

    def browser(self) -> Browser:
        """A new browser (its own cookie) on the dashboard."""
        return Browser(self.http, self.settings.cookie_name, self.settings.public_url)

    async def rows(self) -> list[BrowserSession]:
        """Every session row, straight from the dashboard's database."""
        async with self.runtime.db.transaction(write=False) as session:
            return list((await session.scalars(select(BrowserSession))).all())

    async def row_of(self, browser: Browser) -> BrowserSession | None:
        """The row of a browser's current cookie."""
        from runnerly_dashboard.sessions.service import hash_key

        if browser.cookie is None:
            return None
        return next((r for r in await self.rows() if r.key_hash == hash_key(browser.cookie)), None)

    def decrypt(self, row: BrowserSession, purpose: str) -> str:
        """A token of a session row, decrypted with the dashboard's own key."""
        stored = row.access_token if purpose == "access" else row.refresh_token
        assert stored is not None
        assert row.runner_id is not None
        cipher = components_of(self.runtime).cipher
        return cipher.decrypt(stored, runner_id=row.runner_id, purpose=purpose)

    async def token_of(self, browser: Browser, purpose: str) -> str:
        """The access or refresh token the dashboard keeps for a browser's session."""
        row = await self.row_of(browser)
        assert row is not None
        return self.decrypt(row, purpose)

    async def token_dealer_call(self, path: str, **form: str) -> httpx.Response:
        """POST a form to the token dealer as the dashboard's client (``/oauth/revoke`` must
        succeed; ``/oauth/token`` answers are the caller's to check)."""
        async with httpx.AsyncClient() as http:
            response = await http.post(
                f"{self.backend.tokendealer}{path}",
                data=form,
                auth=(DASHBOARD_CLIENT.client_id, DASHBOARD_CLIENT.password),
            )
        if path == "/oauth/revoke":
            assert response.status_code == 200, response.text
        return response

    async def runner(self, email: str | None = None) -> tuple[Browser, str]:
        """A browser logged in as a new, activated runner; and the runner's id."""
        browser = self.browser()
        email = email or new_email()
        await self.sign_up(browser, email)
        response = await browser.log_in(email, PASSWORD)
        assert response.status_code == 200, response.text
        return browser, str(response.json()["runner"]["id"])

    async def sign_up(self, browser: Browser, email: str) -> None:
        """Sign up and activate through the BFF, with the link of the real email."""
        await browser.session()
        signed = await browser.send(
            "POST", "/bff/v1/accounts", json={"email": email, "password": PASSWORD, "name": "Ada"}
        )
        assert signed.status_code == 202, signed.text
        token = await self.backend.link_token(email)
        activated = await browser.send("POST", "/bff/v1/activations", json={"token": token})
        assert activated.status_code == 204, activated.text


@dataclass
class Browser:
    """A browser on the dashboard: it keeps the session cookie (Secure or not: this is a test
    client) and sends the CSRF token and its page's Origin on every state-changing call."""

    http: httpx.AsyncClient
    cookie_name: str
    origin: str
    cookie: str | None = None
    csrf_token: str | None = None
    #: Every Set-Cookie header for the session cookie this browser received.
    set_cookies: list[str] = field(default_factory=list)

    async def request(
        self,
        method: str,
        path: str,
        *,
        headers: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """One request with the cookie (no CSRF token, no Origin unless given)."""
        sent = dict(headers or {})
        if self.cookie is not None:
            sent["Cookie"] = f"{self.cookie_name}={self.cookie}"
        response = await self.http.request(method, path, headers=sent, **kwargs)
        self.http.cookies.clear()  # this class is the cookie jar
        for header in response.headers.get_list("set-cookie"):
            name, _, rest = header.partition("=")
            if name == self.cookie_name:
                self.set_cookies.append(header)
                value = rest.split(";", 1)[0].strip('"')
                self.cookie = value if value and "Max-Age=0" not in header else None
        return response

    async def get(self, path: str, **kwargs: Any) -> httpx.Response:
        """GET, as a page loading data."""
        return await self.request("GET", path, **kwargs)

    async def send(
        self, method: str, path: str, *, headers: Mapping[str, str] | None = None, **kwargs: Any
    ) -> httpx.Response:
        """A state-changing call as the app makes it: Origin and X-CSRF-Token set."""
        sent = {
            "Origin": self.origin,
            **({"X-CSRF-Token": self.csrf_token} if self.csrf_token else {}),
        }
        return await self.request(method, path, headers={**sent, **(headers or {})}, **kwargs)

    async def session(self) -> dict[str, Any]:
        """GET /bff/v1/session (the app's first call); remembers the CSRF token."""
        response = await self.get("/bff/v1/session")
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        self.csrf_token = body["csrf_token"]
        return body

    async def log_in(self, email: str, password: str) -> httpx.Response:
        """Load the session, then log in; remembers the new CSRF token."""
        if self.csrf_token is None:
            await self.session()
        response = await self.send(
            "POST", "/bff/v1/session", json={"email": email, "password": password}
        )
        if response.status_code == 200:
            self.csrf_token = response.json()["csrf_token"]
        return response

    async def upload(self, *files: tuple[str, bytes]) -> httpx.Response:
        """POST /bff/v1/imports with the files."""
        parts = [("files", (name, content, "application/octet-stream")) for name, content in files]
        return await self.send("POST", "/bff/v1/imports", files=parts)


@dataclass
class Backend:
    """Where the services behind the dashboard answer, and the mail they sent."""

    tokendealer: str
    users: str
    runs: str
    strava: str
    strava_fake: FakeStrava
    mail_dir: Path
    token_dealer: LocalTokenDealer

    async def link_token(self, recipient: str, *, count: int = 1) -> str:
        """The token of the link in the ``count``-th email to ``recipient`` (waits for it)."""

        async def found() -> mailbox.MailMessage | None:
            messages = [
                s for s in mailbox.list_messages(self.mail_dir) if recipient in s.recipients
            ]
            return mailbox.load(messages[count - 1].path) if len(messages) >= count else None

        message = await eventually(found, what=f"an email to {recipient}")
        match = LINK.search(message.text)
        assert match is not None, message.text
        return match.group(1)


def _sqlite(folder: Path, name: str) -> TestDatabase:
    folder.mkdir(parents=True, exist_ok=True)
    return TestDatabase("sqlite", f"sqlite+aiosqlite:///{folder / f'{name}.db'}")


@contextlib.asynccontextmanager
async def running_backend(
    data: Path, nats_url: str, *, dashboard_url: str, runs: bool = True
) -> AsyncIterator[Backend]:
    """The token dealer, users, the mailer and its sink, runs, strava and the local Strava.

    ``runs=False`` leaves runs out (its address then refuses connections: "runs is down").
    """
    users_port, smtp_port = free_port(), free_port()
    users_url = f"http://127.0.0.1:{users_port}"
    async with contextlib.AsyncExitStack() as stack:
        fake = await stack.enter_async_context(running_fake_strava())
        td = await stack.enter_async_context(
            running_tokendealer(
                data, nats_url, CLIENTS, users_url=users_url,
                client_secret=_CLIENT["tokendealer"].password,
            )
        )  # fmt: skip
        mail_dir = data / "mail"
        await stack.enter_async_context(running_sink(mail_dir, "127.0.0.1", smtp_port))

        async def start(create: Any, settings_class: Any, manifest: Any, **values: Any) -> str:
            service = manifest.name
            started = await stack.enter_async_context(
                ServiceStack.start(
                    create,
                    settings_class,
                    manifest,
                    database=_sqlite(data / service, service),
                    nats_url=nats_url,
                    tokendealer=td,
                    watch_events=None,
                    settings={"client_secret": _CLIENT[service].password, **values},
                    port=values.pop("port", None),
                )
            )
            return started.url

        await start(
            create_users, UsersSettings, USERS,
            port=users_port, dashboard_url=dashboard_url,
            argon2_time_cost=1, argon2_memory_kib=8 * 1024, argon2_parallelism=1,
        )  # fmt: skip
        from runnerly_mailer.manifest import MANIFEST as MAILER

        await start(create_mailer, MailerSettings, MAILER, smtp_port=smtp_port)
        if runs:
            runs_url = (
                await stack.enter_async_context(
                    running_runs(
                        data / "runs", nats_url, td.url, client_secret=_CLIENT["runs"].password
                    )
                )
            ).url
        else:
            runs_url = f"http://127.0.0.1:{free_port()}"
        strava_port = free_port()
        strava_url = await start(
            create_strava, StravaSettings, STRAVA,
            port=strava_port,
            strava_client_id=fake.client_id, strava_client_secret=fake.client_secret,
            strava_api_url=fake.url, strava_oauth_url=f"{fake.url}/oauth",
            token_encryption_key=STRAVA_KEY, webhook_verify_token=STRAVA_VERIFY,
            runs_url=runs_url, public_url=f"http://127.0.0.1:{strava_port}",
            dashboard_url=dashboard_url,
            redirect_url=f"{dashboard_url}/bff/v1/strava/callback",
            poll_seconds=0.2, retry_base_seconds=0.05, retry_cap_seconds=0.5,
        )  # fmt: skip
        yield Backend(td.url, users_url, runs_url, strava_url, fake, mail_dir, td)


@contextlib.asynccontextmanager
async def running_dashboard(
    database: TestDatabase,
    nats_url: str,
    data: Path,
    *,
    runs: bool = True,
    options: Mapping[str, Any] | None = None,
) -> AsyncIterator[Stack]:
    """The back end, then the dashboard in front of it (test environment: a Secure
    ``__Host-`` cookie), its session clock a :class:`ManualClock`."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    clock = ManualClock()
    async with running_backend(data, nats_url, dashboard_url=url, runs=runs) as backend:
        values: dict[str, Any] = {
            "environment": Environment.test,
            "client_secret": DASHBOARD_CLIENT.password,
            "session_encryption_key": SESSION_KEY,
            "public_url": url,
            "users_url": backend.users,
            "runs_url": backend.runs,
            "strava_url": backend.strava,
            "web_dir": data / "no-web-build",
            "export_services": (),
            "panel_deadline_seconds": 10.0,
            **(options or {}),
        }

        def create(settings: DashboardSettings) -> Any:
            return create_app(settings, clock=clock)

        async with Stack.start(
            create,
            DashboardSettings,
            MANIFEST,
            database=database,
            nats_url=nats_url,
            tokendealer=backend.token_dealer,
            port=port,
            settings=values,
        ) as stack:
            stack.backend = backend
            stack.clock = clock
            yield stack


def origin_of(url: str) -> str:
    """``scheme://host:port`` of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def later(clock: ManualClock, **delta: float) -> None:
    """Move the dashboard's session clock forward."""
    clock.advance(timedelta(**delta).total_seconds())
