"""The error hierarchy: one status and one code per kind of failure."""

from __future__ import annotations

import pytest

from runnerly_kit import errors


@pytest.mark.parametrize(
    ("error_type", "status", "code"),
    [
        (errors.RunnerlyError, 500, "internal"),
        (errors.BadRequest, 400, "bad_request"),
        (errors.Unauthenticated, 401, "unauthenticated"),
        (errors.Forbidden, 403, "forbidden"),
        (errors.NotFound, 404, "not_found"),
        (errors.Conflict, 409, "conflict"),
        (errors.PayloadTooLarge, 413, "payload_too_large"),
        (errors.InvalidInput, 422, "invalid_input"),
        (errors.RateLimited, 429, "rate_limited"),
        (errors.ServiceUnavailable, 503, "unavailable"),
        (errors.UpstreamError, 502, "upstream_error"),
    ],
)
def test_each_error_has_its_status_and_code(
    error_type: type[errors.RunnerlyError], status: int, code: str
) -> None:
    """Every error kind maps to one HTTP status and renders the envelope."""
    error = error_type("Something went wrong.", details={"field": "x"})

    assert error.status_code == status
    assert error.to_body() == {
        "error": {"code": code, "message": "Something went wrong.", "details": {"field": "x"}}
    }


def test_a_raise_site_may_refine_code_and_status() -> None:
    """A raise site can name a more precise code and status without a new class."""
    error = errors.BadRequest("Wrong password.", code="invalid_grant", status_code=401)

    assert (error.code, error.status_code) == ("invalid_grant", 401)
    # The class default is untouched for the next raise.
    assert errors.BadRequest("x").status_code == 400


def test_details_default_to_null() -> None:
    """Details are always present in the envelope, null when there are none."""
    assert errors.NotFound("No such run.").to_body()["error"]["details"] is None
