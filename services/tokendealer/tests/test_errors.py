"""Refusals of the token endpoint: RFC 6749 §5.2 codes in the JSON envelope, nothing changed."""

from __future__ import annotations

import pytest

from .support import TokenDealer, basic


def _code(response_json: dict[str, dict[str, str]]) -> str:
    return response_json["error"]["code"]


async def test_a_wrong_secret_is_invalid_client_with_a_challenge(tokendealer: TokenDealer) -> None:
    """A bad secret gets 401 invalid_client and a WWW-Authenticate header."""
    response = await tokendealer.token(
        "runs", {"grant_type": "client_credentials"}, secret="wrong-secret"
    )

    assert response.status_code == 401
    assert _code(response.json()) == "invalid_client"
    assert response.headers["www-authenticate"].startswith("Basic")


async def test_an_unknown_client_gets_the_same_answer_as_a_wrong_secret(
    tokendealer: TokenDealer,
) -> None:
    """No client enumeration: an unknown id and a wrong secret look alike."""
    unknown = await tokendealer.token("nobody", {"grant_type": "client_credentials"}, secret="x")
    wrong = await tokendealer.token("runs", {"grant_type": "client_credentials"}, secret="x")

    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json() == wrong.json()


async def test_no_credentials_is_invalid_client(tokendealer: TokenDealer) -> None:
    """A token request without client authentication is refused."""
    response = await tokendealer.http.post(
        "/oauth/token", data={"grant_type": "client_credentials"}
    )

    assert response.status_code == 401
    assert _code(response.json()) == "invalid_client"


@pytest.mark.parametrize(
    ("form", "status", "code"),
    [
        ({}, 400, "invalid_request"),
        ({"grant_type": "authorization_code"}, 400, "unsupported_grant_type"),
        # The runs client may not log runners in; only the dashboard's client may.
        (
            {"grant_type": "password", "username": "a", "password": "b"},
            400,
            "unauthorized_client",
        ),
        ({"grant_type": "client_credentials", "scope": "runs:write admin"}, 400, "invalid_scope"),
        ({"grant_type": "refresh_token"}, 400, "invalid_request"),
        ({"grant_type": "refresh_token", "refresh_token": "made-up"}, 400, "invalid_grant"),
    ],
)
async def test_bad_token_requests_are_refused(
    tokendealer: TokenDealer, form: dict[str, str], status: int, code: str
) -> None:
    """Each malformed or unauthorised request gets its RFC 6749 error code."""
    response = await tokendealer.token("runs", form)

    assert response.status_code == status
    assert _code(response.json()) == code
    assert response.json()["error"]["message"]


async def test_a_grant_the_client_may_not_use_is_unauthorized_client(
    tokendealer: TokenDealer,
) -> None:
    """The operator client may only use client_credentials."""
    response = await tokendealer.token(
        "operator", {"grant_type": "refresh_token", "refresh_token": "x"}
    )

    assert response.status_code == 400
    assert _code(response.json()) == "unauthorized_client"


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"grant_type=client_credentials&&&=", "application/x-www-form-urlencoded"),
        (b"\xff\xfe=\x00", "application/x-www-form-urlencoded"),
        (
            b"grant_type=client_credentials&grant_type=refresh_token",
            "application/x-www-form-urlencoded",
        ),
        (b'{"grant_type": "client_credentials"}', "application/json"),
        (b"grant_type=client_credentials", "text/plain"),
    ],
    ids=["malformed", "not-utf8", "repeated-parameter", "json", "text"],
)
async def test_a_malformed_form_body_is_invalid_request(
    tokendealer: TokenDealer, content: bytes, content_type: str
) -> None:
    """The body must be a well-formed form with each parameter once."""
    response = await tokendealer.http.post(
        "/oauth/token", content=content, headers={"Content-Type": content_type, **basic("runs")}
    )

    assert response.status_code == 400
    assert _code(response.json()) == "invalid_request"


async def test_an_oversized_form_is_refused(tokendealer: TokenDealer) -> None:
    """A form past the size limit gets a 413 envelope."""
    response = await tokendealer.token(
        "runs", {"grant_type": "client_credentials", "scope": "x" * 10_000}
    )

    assert response.status_code == 413
    assert _code(response.json()) == "payload_too_large"


async def test_unknown_routes_and_methods_are_json_envelopes(tokendealer: TokenDealer) -> None:
    """The framework's own 404 and 405 come in the envelope too."""
    missing = await tokendealer.http.get("/oauth/nothing-here")
    wrong_method = await tokendealer.http.get("/oauth/token")

    assert missing.status_code == 404
    assert _code(missing.json()) == "not_found"
    assert wrong_method.status_code == 405
    assert _code(wrong_method.json()) == "method_not_allowed"
