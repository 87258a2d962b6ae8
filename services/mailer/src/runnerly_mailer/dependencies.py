"""Typed access to the mailer's own runtime objects."""

from __future__ import annotations

from runnerly_kit.runtime import Runtime
from runnerly_mailer.settings import MailerSettings


def settings_of(runtime: Runtime) -> MailerSettings:
    """The runtime's settings, as the mailer's own class."""
    return runtime.settings_as(MailerSettings)
