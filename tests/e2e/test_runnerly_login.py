"""``runnerly login``: a runner's access token on the command line, from the token dealer."""

from __future__ import annotations

import asyncio

import pytest

from runnerly_launcher.login import LoginRefused, log_in

from .system import CLI_SECRET, System

pytestmark = pytest.mark.slow


async def test_a_runner_logs_in_from_the_command_line_and_reads_their_runs(system: System) -> None:
    """`runnerly login` gets a runner-scoped access token that reads the runner's runs."""
    await system.signed_up("cli.runner@example.org", "a long easy passphrase")

    tokens = await asyncio.to_thread(
        log_in, system.tokendealer, CLI_SECRET, "cli.runner@example.org", "a long easy passphrase"
    )
    runs = await system.http.get(
        f"{system.runs}/v1/runs/last", headers={"Authorization": f"Bearer {tokens.access_token}"}
    )

    assert tokens.scope == "runner"  # not an admin: the account's scopes bound the client's
    assert runs.status_code == 200
    assert runs.json() == {"runs": []}


async def test_a_wrong_password_is_refused_with_the_token_dealers_message(system: System) -> None:
    """`runnerly login` with a wrong password is refused, quoting the token dealer's 400."""
    await system.signed_up("cli.wrong@example.org", "a long easy passphrase")

    with pytest.raises(LoginRefused, match="400"):
        await asyncio.to_thread(
            log_in, system.tokendealer, CLI_SECRET, "cli.wrong@example.org", "not the passphrase"
        )
