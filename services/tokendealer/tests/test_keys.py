"""The key ring: published keys, persistence across restarts, encryption at rest, rotation."""

from __future__ import annotations

import stat
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from sqlalchemy import select

from runnerly_kit.auth import TokenVerifier
from runnerly_kit.columns import utcnow
from runnerly_kit.errors import Unauthenticated
from runnerly_kit.testing.nats import NatsServer
from runnerly_kit.testing.plugin import TestDatabase
from runnerly_kit.testing.ports import free_port
from runnerly_kit.testing.servers import serve, server_errors
from runnerly_tokendealer.dependencies import keyring_of
from runnerly_tokendealer.main import create_app
from runnerly_tokendealer.models import SigningKey

from .support import TokenDealer, basic, make_settings, migrate


async def _service_token(tokendealer: TokenDealer, client_id: str = "runs") -> str:
    response = await tokendealer.token(client_id, {"grant_type": "client_credentials"})
    assert response.status_code == 200
    token: str = response.json()["access_token"]
    return token


def _fresh_verifier(tokendealer: TokenDealer, http: httpx.AsyncClient) -> TokenVerifier:
    settings = tokendealer.settings
    return TokenVerifier(
        f"{tokendealer.url}/.well-known/jwks.json",
        issuer=settings.token_issuer,
        audience=settings.token_audience,
        algorithms=["EdDSA"],
        http=http,
    )


async def test_the_jwks_publishes_public_keys_only(tokendealer: TokenDealer) -> None:
    """The active key and the next one are published as Ed25519 JWKs without private parts."""
    response = await tokendealer.http.get("/.well-known/jwks.json")

    assert response.status_code == 200
    assert "max-age" in response.headers["cache-control"]
    keys = response.json()["keys"]
    assert len(keys) == 2  # the signing key, and the next one published ahead
    for key in keys:
        assert key["kty"] == "OKP"
        assert key["crv"] == "Ed25519"
        assert key["alg"] == "EdDSA"
        assert key["use"] == "sig"
        assert key["kid"]
        assert "d" not in key
    assert keyring_of(tokendealer.runtime).signing_key.kid in {k["kid"] for k in keys}


async def test_private_keys_are_encrypted_at_rest(tokendealer: TokenDealer) -> None:
    """The database holds encrypted PKCS#8 only; without the secret it cannot be loaded."""
    async with tokendealer.runtime.db.transaction(write=False) as session:
        stored = (await session.scalars(select(SigningKey))).all()

    assert stored
    for key in stored:
        assert key.private_key.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
        with pytest.raises(TypeError):
            load_pem_private_key(key.private_key, password=None)


async def test_keys_survive_a_restart(
    migrated_database: TestDatabase, nats_server: NatsServer
) -> None:
    """A second process on the same database signs with the same key; old tokens still verify."""
    port = free_port()
    settings = make_settings(migrated_database, nats_server.url, port)
    async with (
        serve(create_app(settings), port=port) as url,
        httpx.AsyncClient(base_url=url) as http,
    ):
        first = await http.post(
            "/oauth/token", data={"grant_type": "client_credentials"}, headers=basic("runs")
        )
        jwks_before = (await http.get("/.well-known/jwks.json")).json()

    async with (
        serve(create_app(settings), port=port) as url,
        httpx.AsyncClient(base_url=url) as http,
    ):
        jwks_after = (await http.get("/.well-known/jwks.json")).json()
        second = await http.post(
            "/oauth/token", data={"grant_type": "client_credentials"}, headers=basic("runs")
        )
        verifier = TokenVerifier(
            f"{url}/.well-known/jwks.json",
            issuer=settings.token_issuer,
            audience=settings.token_audience,
            algorithms=["EdDSA"],
            http=http,
        )
        claims = await verifier.verify(first.json()["access_token"])

    assert jwks_after == jwks_before
    assert claims.subject == "runs"
    assert second.status_code == 200


async def test_after_rotation_old_tokens_verify_until_they_expire(tokendealer: TokenDealer) -> None:
    """The pre-published key signs next; the old one stays published while its tokens live."""
    old_token = await _service_token(tokendealer)
    keyring = keyring_of(tokendealer.runtime)
    old_kid = keyring.signing_key.kid
    operator = await _service_token(tokendealer, "operator")

    rotated = await tokendealer.http.post(
        "/v1/keys/rotate", headers={"Authorization": f"Bearer {operator}"}
    )
    new_token = await _service_token(tokendealer)

    assert rotated.status_code == 200, rotated.text
    new_kid = rotated.json()["kid"]
    assert new_kid != old_kid
    published = {
        k["kid"] for k in (await tokendealer.http.get("/.well-known/jwks.json")).json()["keys"]
    }
    assert {old_kid, new_kid} <= published
    async with httpx.AsyncClient() as http:
        verifier = _fresh_verifier(tokendealer, http)
        assert (await verifier.verify(old_token)).subject == "runs"
        assert (await verifier.verify(new_token)).subject == "runs"

        # Once every token the old key signed has expired, the key leaves the JWKS.
        settings = tokendealer.settings
        later = utcnow() + timedelta(
            seconds=settings.access_token_ttl_seconds + settings.keyring_refresh_seconds + 61
        )
        await keyring.maintain(tokendealer.runtime.db, later)
        published = {
            k["kid"] for k in (await tokendealer.http.get("/.well-known/jwks.json")).json()["keys"]
        }
        assert old_kid not in published
        with pytest.raises(Unauthenticated):
            await _fresh_verifier(tokendealer, http).verify(old_token)


async def test_scheduled_rotation_promotes_the_published_key(tokendealer: TokenDealer) -> None:
    """When the rotation period has passed, the key published ahead starts signing."""
    keyring = keyring_of(tokendealer.runtime)
    before = keyring.signing_key.kid
    published_before = {
        k["kid"] for k in (await tokendealer.http.get("/.well-known/jwks.json")).json()["keys"]
    }

    await keyring.maintain(
        tokendealer.runtime.db,
        utcnow() + timedelta(seconds=tokendealer.settings.key_rotation_seconds),
    )

    after = keyring.signing_key.kid
    assert after != before
    assert after in published_before  # it was in the JWKS before it signed anything


async def test_rotation_needs_the_operator_scope(tokendealer: TokenDealer) -> None:
    """Without a token the rotate endpoint is 401; with a token lacking the scope, 403."""
    anonymous = await tokendealer.http.post("/v1/keys/rotate")
    service = await _service_token(tokendealer, "runs")
    forbidden = await tokendealer.http.post(
        "/v1/keys/rotate", headers={"Authorization": f"Bearer {service}"}
    )

    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "unauthenticated"
    assert forbidden.status_code == 403
    assert forbidden.json()["error"]["code"] == "forbidden"


async def test_a_wrong_key_encryption_secret_stops_start_up(
    migrated_database: TestDatabase, nats_server: NatsServer
) -> None:
    """The wrong secret for the stored keys stops start-up with one line naming the variable."""
    port = free_port()
    good = make_settings(migrated_database, nats_server.url, port)
    async with serve(create_app(good), port=port):
        pass
    bad = make_settings(
        migrated_database,
        nats_server.url,
        port,
        key_encryption_secret="9fK2-another-secret-Qz7wLx3Rb",
    )

    with server_errors() as errors, pytest.raises(RuntimeError, match="failed to start"):
        async with serve(create_app(bad), port=port):
            pass

    assert errors[0] == (
        "TOKENDEALER_KEY_ENCRYPTION_SECRET does not decrypt the signing keys in the database: "
        "set the secret they were encrypted with"
    )
    assert not any("Traceback" in message or "\n" in message for message in errors)


async def test_the_key_store_is_readable_by_its_owner_only(
    tmp_path: Path, nats_server: NatsServer
) -> None:
    """On the embedded default the database holding the keys is 0600, in a 0700 folder."""
    port = free_port()
    database = TestDatabase("sqlite", "")
    settings = make_settings(database, nats_server.url, port, data_dir=tmp_path / "var")
    await migrate(TestDatabase("sqlite", settings.database_url))
    async with serve(create_app(settings), port=port):
        pass

    db_file = tmp_path / "var" / "tokendealer" / "tokendealer.db"
    assert stat.S_IMODE(db_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(db_file.parent.stat().st_mode) == 0o700
