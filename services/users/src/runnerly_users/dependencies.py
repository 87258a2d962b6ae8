"""Typed access to the users service's own runtime objects."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from runnerly_kit.runtime import Runtime, RuntimeDep
from runnerly_users.credentials import Passwords
from runnerly_users.settings import UsersSettings

PASSWORDS = "passwords"


def settings_of(runtime: Runtime) -> UsersSettings:
    """The runtime's settings, as the users service's own class."""
    return runtime.settings_as(UsersSettings)


def passwords_of(runtime: Runtime) -> Passwords:
    """The process's password hasher."""
    return runtime.component(PASSWORDS, Passwords)


async def _settings(runtime: RuntimeDep) -> UsersSettings:
    return settings_of(runtime)


async def _passwords(runtime: RuntimeDep) -> Passwords:
    return passwords_of(runtime)


SettingsDep = Annotated[UsersSettings, Depends(_settings)]
PasswordsDep = Annotated[Passwords, Depends(_passwords)]
