"""The users service's OpenAPI contract holds under generated requests (schemathesis)."""

from __future__ import annotations

from runnerly_kit.testing.contract import check_contract

from .support import ADMIN_EMAIL, Stack


async def test_schemathesis_finds_no_server_error(stack: Stack) -> None:
    """No 5xx and no response off the documented schema: anonymous, as a runner and an admin."""
    admin_id = await stack.active_runner(ADMIN_EMAIL)

    await check_contract(stack.url, max_examples=10)
    await check_contract(
        stack.url, headers=stack.runner_headers(admin_id, "runner", "admin"), max_examples=10
    )
    await check_contract(stack.url, headers=await stack.service_headers(), max_examples=5)
    # An operator's export token reaches the export route for any id (404: no such runner).
    await check_contract(stack.url, headers=await stack.service_headers("operator"), max_examples=5)


async def test_the_document_has_stable_operation_ids(stack: Stack) -> None:
    """Every operation has the id of its handler, so generated clients stay stable."""
    document = (await stack.http.get("/openapi.json")).json()

    ids = {
        operation["operationId"]
        for path in document["paths"].values()
        for operation in path.values()
    }
    assert {
        "sign_up",
        "activate_account",
        "resend_activation",
        "check_credentials",
        "request_password_reset",
        "confirm_password_reset",
        "get_my_profile",
        "update_my_profile",
        "get_profile",
        "update_profile",
        "delete_account",
        "request_email_change",
        "confirm_email_change",
        "list_runners",
        "deactivate_runner",
        "change_password",
        "delete_account_with_password",
        "export_runner_data",
    } <= ids
