"""Typed access to the token dealer's own runtime objects."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from runnerly_kit.runtime import Runtime, RuntimeDep
from runnerly_tokendealer.keys.service import KeyRing
from runnerly_tokendealer.settings import TokenDealerSettings
from runnerly_tokendealer.tokens.service import TokenService


def settings_of(runtime: Runtime) -> TokenDealerSettings:
    """The runtime's settings, as the token dealer's own class."""
    return runtime.settings_as(TokenDealerSettings)


def keyring_of(runtime: Runtime) -> KeyRing:
    """The process's key ring."""
    return runtime.components.get(KeyRing)


async def _keyring(runtime: RuntimeDep) -> KeyRing:
    return keyring_of(runtime)


def token_service_of(runtime: Runtime) -> TokenService:
    """The process's token service (its grants)."""
    return runtime.components.get(TokenService)


KeyRingDep = Annotated[KeyRing, Depends(_keyring)]
