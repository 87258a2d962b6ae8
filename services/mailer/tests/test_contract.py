"""The mailer's OpenAPI contract holds under generated requests (schemathesis)."""

from __future__ import annotations

from runnerly_kit.testing.contract import check_contract
from runnerly_tokendealer.testing import LocalTokenDealer

from .support import Mailer


async def test_schemathesis_finds_no_server_error(
    admin_mailer: Mailer, operator_headers: dict[str, str], tokendealer: LocalTokenDealer
) -> None:
    """No 5xx and no response off its documented schema: anonymous, as an operator and an
    exporter (the export's 200 answer for any runner id)."""
    await check_contract(admin_mailer.url)
    await check_contract(admin_mailer.url, headers=operator_headers)
    exporter = {"Authorization": f"Bearer {await tokendealer.service_token('exporter')}"}
    await check_contract(admin_mailer.url, headers=exporter, max_examples=5)


async def test_the_document_has_stable_operation_ids(admin_mailer: Mailer) -> None:
    """Every operation has the id of its handler, so generated clients stay stable."""
    document = (await admin_mailer.http.get("/openapi.json")).json()

    ids = {
        operation["operationId"]
        for path in document["paths"].values()
        for operation in path.values()
    }
    assert {"list_emails", "retry_email", "export_runner_data", "healthz", "readyz"} <= ids
