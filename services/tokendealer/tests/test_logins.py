"""The password grant when the users service cannot answer: a 503 that names no address."""

from __future__ import annotations

import httpx

from runnerly_kit.testing.nats import NatsServer
from runnerly_kit.testing.plugin import TestDatabase
from runnerly_kit.testing.ports import free_port
from runnerly_kit.testing.servers import serve
from runnerly_tokendealer.logins.service import CHECK_SCOPE
from runnerly_tokendealer.main import create_app
from runnerly_tokendealer.settings import ClientConfig, hash_client_secret

from .support import SECRETS, basic, clients, make_settings

OWN_SECRET = "Vq7-tokendealer-own-9bX2kLm4Pz"


async def test_a_login_while_users_is_down_names_no_internal_address(
    migrated_database: TestDatabase, nats_server: NatsServer
) -> None:
    """503 "the users service could not be reached": no host, port or URL in the body."""
    port, users_port = free_port(), free_port()
    own = ClientConfig(
        client_id="tokendealer",
        secret_hash=hash_client_secret(OWN_SECRET),
        scopes=frozenset({CHECK_SCOPE}),
    )
    dashboard = ClientConfig(
        client_id="dashboard",
        secret_hash=hash_client_secret(SECRETS["dashboard"]),
        scopes=frozenset({"runner"}),
        grant_types=frozenset({"password", "refresh_token"}),
    )
    others = tuple(c for c in clients() if c.client_id != "dashboard")
    settings = make_settings(
        migrated_database,
        nats_server.url,
        port,
        clients=(*others, own, dashboard),
        client_secret=OWN_SECRET,
        users_url=f"http://127.0.0.1:{users_port}",
        http_retries=0,
    )
    form = {"grant_type": "password", "username": "ada@example.org", "password": "a passphrase"}
    async with serve(create_app(settings), port=port) as url, httpx.AsyncClient() as http:
        response = await http.post(f"{url}/oauth/token", data=form, headers=basic("dashboard"))

    assert response.status_code == 503
    error = response.json()["error"]
    assert error["code"] == "peer_unavailable"
    assert error["message"] == "The users service could not be reached."
    for leak in ("127.0.0.1", "http://", "localhost", str(users_port)):
        assert leak not in response.text
