"""The migrations build exactly the tables the models describe; the OpenAPI contract holds."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from runnerly_kit.runtime import Runtime
from runnerly_kit.testing.contract import check_contract
from runnerly_runs.models import Base

from .support import Stack, new_runner


async def test_the_migrated_database_matches_the_models(stack: Stack) -> None:
    """After the migrations, the database has exactly the tables and columns the models describe."""
    runtime: Runtime = stack.app.state.runtime

    async with runtime.db.engine.connect() as connection:
        differences = await connection.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
        )

    assert differences == []


async def test_schemathesis_finds_no_server_error(stack: Stack) -> None:
    """Generated requests, anonymous, as a runner or a service, get no 5xx and match the schema."""
    await check_contract(stack.url, max_examples=10)
    await check_contract(stack.url, headers=stack.runner_headers(new_runner()), max_examples=10)
    await check_contract(stack.url, headers=await stack.service_headers(), max_examples=5)
    # An operator's export token reaches the export's 200 answers (data and GPX) for any id.
    await check_contract(stack.url, headers=await stack.service_headers("operator"), max_examples=5)


async def test_operation_ids_are_stable(stack: Stack) -> None:
    """Every operation keeps the id of its handler, so generated clients stay stable."""
    document = (await stack.http.get("/openapi.json")).json()
    ids = {op["operationId"] for path in document["paths"].values() for op in path.values()}
    assert {
        "last_runs",
        "list_runs",
        "create_manual_run",
        "get_run",
        "get_series",
        "edit_run",
        "delete_run",
        "import_files",
        "upsert_strava_activity",
        "forget_strava_activity",
        "forget_strava",
        "period_totals",
        "best_efforts",
        "runs_overview",
        "export_runner_data",
        "export_run_track",
    } <= ids
