"""Why ``runnerly`` refuses to go on; each message says what to fix.

::

    LauncherError
    ├── ConfigError         a RUNNERLY_* variable is invalid (exit code 2)
    ├── CredentialsError    the secrets file exists but cannot be used
    ├── BrokerError         nats-server cannot be found or started
    ├── MigrationError      a service's migrations failed
    └── LaunchError         the system cannot start (a port is taken, nothing is installed)
"""

from __future__ import annotations


class LauncherError(Exception):
    """Base of every error ``runnerly`` reports as one line instead of a traceback."""


class ConfigError(LauncherError):
    """A ``RUNNERLY_*`` variable is invalid, or a service name is unknown; the message names it."""


class CredentialsError(LauncherError):
    """The secrets file exists but cannot be used; the message names the file."""


class BrokerError(LauncherError):
    """The broker could not be found or started; the message says what to do."""


class MigrationError(LauncherError):
    """A service's migrations failed; the message names the service."""


class LaunchError(LauncherError):
    """The system cannot start (a port is taken, nothing is installed...)."""
