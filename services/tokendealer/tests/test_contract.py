"""The token dealer's OpenAPI contract holds under generated requests (schemathesis)."""

from __future__ import annotations

from runnerly_kit.testing.contract import check_contract

from .support import TokenDealer, basic


async def test_schemathesis_finds_no_server_error(tokendealer: TokenDealer) -> None:
    """No 5xx and no response off its documented schema, with and without client credentials."""
    await check_contract(tokendealer.url)
    await check_contract(tokendealer.url, headers=basic("runs"))
    # An operator's export token reaches the export's 200 answer for any runner id.
    exported = await tokendealer.token("operator", {"grant_type": "client_credentials"})
    headers = {"Authorization": f"Bearer {exported.json()['access_token']}"}
    await check_contract(tokendealer.url, headers=headers, max_examples=5)


async def test_the_document_is_openapi_3_1_with_stable_operation_ids(
    tokendealer: TokenDealer,
) -> None:
    """Every operation has the id of its handler, so generated clients stay stable."""
    document = (await tokendealer.http.get("/openapi.json")).json()

    assert document["openapi"].startswith("3.1")
    ids = {
        operation["operationId"]
        for path in document["paths"].values()
        for operation in path.values()
    }
    assert {
        "issue_token",
        "revoke_token",
        "get_jwks",
        "rotate_keys",
        "export_runner_data",
        "healthz",
        "readyz",
    } <= ids
