"""Helpers of the users service's tests: a real token dealer, the users service, a mailbox.

No fake anywhere: the token dealer is the real one (its app, its migrations,
its key ring), and emails are read where the mailer would read them, on the
real broker.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from runnerly_kit.events import Envelope
from runnerly_kit.testing.events import EventLog
from runnerly_kit.testing.stack import ServiceStack
from runnerly_tokendealer.testing import Client as OAuthClient
from runnerly_users.settings import UsersSettings

PASSWORD = "correct horse battery staple"
SEND_EMAIL = "mailer.email.send.v1"
#: The operator's address: accounts with it are admins (USERS_ADMIN_EMAILS).
ADMIN_EMAIL = "boss@example.org"


def unique_email(tag: str = "runner") -> str:
    """An address no other test uses (the broker is shared by the whole session)."""
    return f"{tag}.{uuid.uuid4().hex[:10]}@example.org"


#: The token dealer's own client: it checks logins here (the password grant).
TOKENDEALER_CLIENT = OAuthClient("tokendealer", frozenset({"users:credentials.check"}))
#: The client runners log in with, as the dashboard does.
DASHBOARD_CLIENT = OAuthClient(
    "dashboard", frozenset({"runner"}), grant_types=frozenset({"password", "refresh_token"})
)
#: The test token dealer's clients: its own, the dashboard, one without any scope used here,
#: and an operator's allowed to export any runner's data.
TOKENDEALER_CLIENTS = (
    TOKENDEALER_CLIENT,
    DASHBOARD_CLIENT,
    OAuthClient("runs", frozenset({"runs:write"})),
    OAuthClient("operator", frozenset({"export"})),
)


#: The users service's own settings in tests (the kit's stack sets the database, broker...).
USERS_TEST_SETTINGS: dict[str, Any] = {
    "admin_emails": ADMIN_EMAIL,
    "dashboard_url": "http://dashboard.test:8700",
    # The cheapest Argon2id the settings allow: the tests check rules, not cost.
    "argon2_time_cost": 1,
    "argon2_memory_kib": 8 * 1024,
    "argon2_parallelism": 1,
}


class Mailbox(EventLog):
    """Every event published on the broker while the test runs, as the mailer would see it."""

    async def email(self, recipient: str, template: str) -> Envelope:
        """The SendEmail command for this recipient and template."""
        return await self.wait_for(SEND_EMAIL, recipient=recipient, template=template)


def token_of(envelope: Envelope) -> str:
    """The one-time token in a mailed link."""
    link = str(envelope.data["data"]["link"])
    return link.split("token=", 1)[1]


class Stack(ServiceStack[UsersSettings]):
    """A running users service, the real token dealer it trusts, and the broker's mail."""

    @property
    def mailbox(self) -> Mailbox:
        """The events published since the stack started, with the mail helpers."""
        assert isinstance(self.events, Mailbox)
        return self.events

    async def service_headers(self, client_id: str = "tokendealer") -> dict[str, str]:
        """A service's bearer token (the token dealer's own unless another is named)."""
        return await super().service_headers(client_id)

    async def sign_up(
        self, email: str, password: str = PASSWORD, name: str = "Ada Runner"
    ) -> httpx.Response:
        """POST /v1/accounts."""
        body = {"email": email, "password": password, "name": name}
        return await self.http.post("/v1/accounts", json=body)

    async def signed_up(self, email: str, password: str = PASSWORD) -> tuple[str, str]:
        """Sign up; the new runner's id and the token of their activation link."""
        assert (await self.sign_up(email, password)).status_code == 202
        mail = await self.mailbox.email(email.strip().lower(), "activation")
        assert mail.subject is not None
        return mail.subject, token_of(mail)

    async def active_runner(self, email: str, password: str = PASSWORD) -> str:
        """Sign up and activate; the runner's id."""
        user_id, token = await self.signed_up(email, password)
        response = await self.http.post("/v1/activations", json={"token": token})
        assert response.status_code == 204, response.text
        return user_id

    async def check(self, email: str, password: str) -> httpx.Response:
        """The token dealer's login check, with its service token."""
        return await self.http.post(
            "/v1/internal/credentials/check",
            json={"email": email, "password": password},
            headers=await self.service_headers(),
        )

    async def log_in(self, email: str, password: str = PASSWORD) -> dict[str, Any]:
        """The dashboard's password grant at the token dealer (which asks this service)."""
        response = await self.http.post(
            f"{self.tokendealer.url}/oauth/token",
            data={"grant_type": "password", "username": email, "password": password},
            auth=(DASHBOARD_CLIENT.client_id, DASHBOARD_CLIENT.password),
        )
        assert response.status_code == 200, response.text
        tokens: dict[str, Any] = response.json()
        return tokens

    async def refresh(self, refresh_token: str) -> httpx.Response:
        """The dashboard's refresh-token grant."""
        return await self.http.post(
            f"{self.tokendealer.url}/oauth/token",
            data={"grant_type": "refresh_token", "refresh_token": refresh_token},
            auth=(DASHBOARD_CLIENT.client_id, DASHBOARD_CLIENT.password),
        )
