"""CurrentClaims, CurrentRunner, require_scope and ensure_owner, through a real service on loopback.

The service is built by the kit's own ``create_app`` (without a broker) and
verifies tokens against the local JWKS server, as a deployed service would.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from typing import Annotated, Any

import httpx
import pytest
from fastapi import APIRouter, Depends

from runnerly_kit.auth import (
    Claims,
    CurrentClaims,
    CurrentRunner,
    Runner,
    ensure_owner,
    require_scope,
)
from runnerly_kit.errors import Forbidden, NotFound

Issue = Callable[..., str]

router = APIRouter(prefix="/v1")
_RUN_OWNERS = {"run-a": "runner-1", "run-b": "runner-2"}


@router.get("/whoami")
async def whoami(claims: CurrentClaims) -> dict[str, Any]:
    return {"subject": claims.subject, "scopes": sorted(claims.scopes)}


@router.get("/me")
async def me(runner: CurrentRunner) -> dict[str, str]:
    return {"id": runner.id}


@router.post("/internal/credentials/check")
async def check_credentials(
    caller: Annotated[Claims, Depends(require_scope("users:credentials"))],
) -> dict[str, str]:
    return {"caller": caller.subject}


@router.get("/runs/{run_id}")
async def get_run(run_id: str, runner: CurrentRunner) -> dict[str, str]:
    owner = _RUN_OWNERS.get(run_id)
    if owner is None:
        raise NotFound("Not found.")
    ensure_owner(runner, owner)
    return {"run_id": run_id}


@router.get("/runners/{runner_id}/profile")
async def get_profile(runner_id: str, runner: CurrentRunner) -> dict[str, str]:
    ensure_owner(runner, runner_id, conceal=False)
    return {"runner_id": runner_id}


@pytest.fixture
async def client(
    serve_router: Callable[[APIRouter, str], AbstractAsyncContextManager[httpx.AsyncClient]],
) -> AsyncIterator[httpx.AsyncClient]:
    """A client of a kit-built service that verifies tokens against the test JWKS."""
    async with serve_router(router, "auth-test") as http:
        yield http


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_request_without_a_token_gets_a_401_envelope(client: httpx.AsyncClient) -> None:
    """No Authorization header: 401, the JSON envelope, and a bare Bearer challenge."""
    response = await client.get("/v1/whoami")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
    assert response.headers["www-authenticate"] == "Bearer"


async def test_a_non_bearer_scheme_is_not_accepted(client: httpx.AsyncClient, issue: Issue) -> None:
    """A token sent under another scheme (Basic) is not taken for a bearer token."""
    response = await client.get("/v1/whoami", headers={"Authorization": f"Basic {issue()}"})
    assert response.status_code == 401


async def test_an_invalid_token_gets_invalid_token(client: httpx.AsyncClient, issue: Issue) -> None:
    """A bad token: 401 with code invalid_token and the RFC 6750 challenge."""
    response = await client.get("/v1/whoami", headers=_bearer(issue(aud="elsewhere")))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_token"
    assert response.headers["www-authenticate"].startswith('Bearer error="invalid_token"')


async def test_any_valid_token_gives_its_claims(client: httpx.AsyncClient, issue: Issue) -> None:
    """CurrentClaims accepts a runner's token and a service's alike."""
    runner = await client.get("/v1/whoami", headers=_bearer(issue()))
    service = await client.get(
        "/v1/whoami", headers=_bearer(issue(sub="runs", scope="users:read", client_id="runs"))
    )
    assert runner.json() == {"subject": "runner-1", "scopes": ["runner"]}
    assert service.json() == {"subject": "runs", "scopes": ["users:read"]}


async def test_current_runner_is_the_token_subject(client: httpx.AsyncClient, issue: Issue) -> None:
    """A runner's token gives the runner whose id is the token's subject."""
    response = await client.get("/v1/me", headers=_bearer(issue(sub="runner-42")))
    assert response.status_code == 200
    assert response.json() == {"id": "runner-42"}


async def test_a_service_token_is_not_a_runner(client: httpx.AsyncClient, issue: Issue) -> None:
    """A service's token on a runner's endpoint: 403 forbidden, naming the missing scope."""
    token = issue(sub="runs", scope="users:credentials", client_id="runs")
    response = await client.get("/v1/me", headers=_bearer(token))
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "forbidden"
    assert error["details"] == {"required_scope": "runner"}
    assert 'error="insufficient_scope"' in response.headers["www-authenticate"]


@pytest.mark.parametrize(
    ("claims", "status"),
    [
        ({"sub": "users", "scope": "users:credentials users:read"}, 200),
        ({"sub": "runs", "scope": "users:read"}, 403),
        ({"sub": "runner-1", "scope": "runner"}, 403),
    ],
    ids=["service with the scope", "service without it", "runner"],
)
async def test_require_scope_admits_only_holders_of_the_scope(
    client: httpx.AsyncClient, issue: Issue, claims: dict[str, str], status: int
) -> None:
    """require_scope("users:credentials") lets through exactly the callers holding that scope."""
    response = await client.post("/v1/internal/credentials/check", headers=_bearer(issue(**claims)))
    assert response.status_code == status
    if status == 200:
        assert response.json() == {"caller": claims["sub"]}
    else:
        assert response.json()["error"]["code"] == "forbidden"


async def test_require_scope_still_needs_a_token(client: httpx.AsyncClient) -> None:
    """Without a token a scoped endpoint answers 401, not 403."""
    response = await client.post("/v1/internal/credentials/check")
    assert response.status_code == 401


async def test_a_runner_sees_only_their_own_runs(client: httpx.AsyncClient, issue: Issue) -> None:
    """Another runner's run is indistinguishable from a run that does not exist."""
    headers = _bearer(issue(sub="runner-1"))
    own = await client.get("/v1/runs/run-a", headers=headers)
    others = await client.get("/v1/runs/run-b", headers=headers)
    missing = await client.get("/v1/runs/run-z", headers=headers)
    assert own.status_code == 200
    assert others.status_code == missing.status_code == 404
    assert others.json() == missing.json()


async def test_an_explicit_other_runner_id_is_forbidden(
    client: httpx.AsyncClient, issue: Issue
) -> None:
    """Asking for another runner's profile by id: 403 (conceal=False)."""
    headers = _bearer(issue(sub="runner-1"))
    assert (await client.get("/v1/runners/runner-1/profile", headers=headers)).status_code == 200
    response = await client.get("/v1/runners/runner-2/profile", headers=headers)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


async def test_the_openapi_document_declares_the_bearer_scheme(client: httpx.AsyncClient) -> None:
    """Protected operations declare HTTP bearer security, so generated clients send the token."""
    document = (await client.get("/openapi.json")).json()
    assert document["components"]["securitySchemes"]["HTTPBearer"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
    }
    assert document["paths"]["/v1/me"]["get"]["security"] == [{"HTTPBearer": []}]


def test_ensure_owner_compares_uuids_by_their_text() -> None:
    """An owner id held as a UUID matches the runner whose subject is that UUID's text."""
    owner = uuid.uuid4()
    claims = Claims(
        subject=str(owner),
        scopes=frozenset({"runner"}),
        expires_at=datetime.now(UTC),
        token_id="t",
        client_id=None,
    )
    runner = Runner(id=str(owner), claims=claims)
    ensure_owner(runner, owner)
    with pytest.raises(NotFound):
        ensure_owner(runner, uuid.uuid4())
    with pytest.raises(Forbidden):
        ensure_owner(runner, uuid.uuid4(), conceal=False)
