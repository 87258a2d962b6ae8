"""The users service's app: ``uvicorn --factory runnerly_users.main:create_app``."""

from __future__ import annotations

import asyncio

from fastapi import FastAPI

from runnerly_kit.app import ServiceDefinition
from runnerly_kit.app import create_app as create_service_app
from runnerly_kit.runtime import Runtime
from runnerly_users import __version__
from runnerly_users.accounts.endpoints import router as accounts_router
from runnerly_users.admin.endpoints import router as admin_router
from runnerly_users.credentials import Passwords, common_passwords
from runnerly_users.dependencies import settings_of
from runnerly_users.export.endpoints import router as export_router
from runnerly_users.passwords.endpoints import router as passwords_router
from runnerly_users.profiles.endpoints import router as profiles_router
from runnerly_users.settings import UsersSettings


async def _load_passwords(runtime: Runtime) -> None:
    # Built off the event loop: it hashes once (the dummy hash) and reads the list.
    runtime.components.add(await asyncio.to_thread(Passwords, settings_of(runtime)))
    await asyncio.to_thread(common_passwords)


def create_app(settings: UsersSettings | None = None) -> FastAPI:
    """Build the users service (settings from the environment unless given)."""
    return create_service_app(
        settings or UsersSettings(),
        ServiceDefinition(
            title="Runnerly users",
            version=__version__,
            description=(
                "Accounts, activation, the credentials check, password reset and change, "
                "profiles, account deletion, the runner's data export."
            ),
            routers=[
                accounts_router,
                passwords_router,
                profiles_router,
                admin_router,
                export_router,
            ],
            on_startup=[_load_passwords],
        ),
    )
