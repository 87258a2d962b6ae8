"""The mailer's OpenAPI contract holds under generated requests (schemathesis)."""

from __future__ import annotations

from runnerly_kit.testing.contract import check_contract

from .support import Mailer


async def test_schemathesis_finds_no_server_error(
    admin_mailer: Mailer, operator_headers: dict[str, str]
) -> None:
    """No 5xx and no response off its documented schema, with and without an operator token."""
    await check_contract(admin_mailer.url)
    await check_contract(admin_mailer.url, headers=operator_headers)


async def test_the_document_has_stable_operation_ids(admin_mailer: Mailer) -> None:
    """Every operation has the id of its handler, so generated clients stay stable."""
    document = (await admin_mailer.http.get("/openapi.json")).json()

    ids = {
        operation["operationId"]
        for path in document["paths"].values()
        for operation in path.values()
    }
    assert {"list_emails", "retry_email", "healthz", "readyz"} <= ids
