"""The committed OpenAPI document is the app's own (the web app's types are generated from it)."""

from __future__ import annotations

import json
from pathlib import Path

from runnerly_dashboard import openapi
from runnerly_kit.testing.contract import check_openapi_document


def test_the_committed_document_is_the_apps() -> None:
    """services/dashboard/openapi.json equals what the app generates: a route or schema changed
    without `python -m runnerly_dashboard.openapi` fails here."""
    committed = openapi.COMMITTED.read_text(encoding="utf-8")

    assert committed == openapi.rendered(), (
        "openapi.json is stale: run `uv run python -m runnerly_dashboard.openapi`"
    )


def test_the_check_command_fails_on_a_stale_file(tmp_path: Path) -> None:
    """`--check` exits 1 for a file that differs and 0 for a current one (CI can run it)."""
    stale = tmp_path / "openapi.json"
    stale.write_text("{}\n", encoding="utf-8")
    current = tmp_path / "current.json"
    current.write_text(openapi.rendered(), encoding="utf-8")

    assert openapi.main(["--check", "--output", str(stale)]) == 1
    assert openapi.main(["--check", "--output", str(current)]) == 0


def test_the_document_is_openapi_31_with_an_operation_id_per_route() -> None:
    """Every BFF route has a stable operation id (the generated client's method names)."""
    document = json.loads(openapi.rendered())
    check_openapi_document(document)

    ids = {op["operationId"] for path in document["paths"].values() for op in path.values()}
    assert {
        "get_session", "log_in", "log_out", "sign_up", "activate_account", "resend_activation",
        "request_password_reset", "confirm_password_reset", "confirm_email_change", "get_home",
        "list_runs", "get_run", "edit_run", "delete_run", "import_files", "get_strava",
        "connect_strava", "strava_callback", "disconnect_strava", "sync_strava", "get_settings",
        "update_profile", "change_email", "change_password", "delete_account", "download_my_data",
    } <= ids  # fmt: skip
