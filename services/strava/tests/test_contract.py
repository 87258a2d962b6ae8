"""The strava service's OpenAPI contract holds under generated requests (schemathesis)."""

from __future__ import annotations

from runnerly_kit.testing.contract import check_contract

from .support import Stack, new_runner


async def test_schemathesis_finds_no_server_error(stack: Stack) -> None:
    """No 5xx and no response off the documented schema: anonymous, as a runner, an operator."""
    await check_contract(stack.url, max_examples=10)
    await check_contract(stack.url, headers=stack.runner_headers(new_runner()), max_examples=10)
    await check_contract(
        stack.url, headers=stack.runner_headers(new_runner(), "runner", "admin"), max_examples=5
    )
    # An operator's export token reaches the export's 200 answer for any runner id.
    await check_contract(stack.url, headers=await stack.service_headers("operator"), max_examples=5)


async def test_the_document_has_stable_operation_ids(stack: Stack) -> None:
    """Every operation keeps the id of its handler, so generated clients stay stable."""
    document = (await stack.http.get("/openapi.json")).json()

    ids = {
        operation["operationId"]
        for path in document["paths"].values()
        for operation in path.values()
    }
    assert {
        "connect_strava",
        "strava_callback",
        "get_connection",
        "disconnect_strava",
        "sync_strava",
        "validate_subscription",
        "receive_strava_event",
        "create_push_subscription",
        "list_push_subscriptions",
        "export_runner_data",
    } <= ids
