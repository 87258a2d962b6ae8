"""``runnerly migrate``: bring every service's database up to its newest migration."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TextIO

from sqlalchemy.engine import make_url

from runnerly_kit.migrations import migrate_service
from runnerly_launcher.config import LauncherConfig, ServiceEndpoint
from runnerly_launcher.environment import database_url
from runnerly_launcher.errors import MigrationError


async def migrate(
    endpoints: Sequence[ServiceEndpoint],
    config: LauncherConfig,
    environ: Mapping[str, str],
    out: TextIO,
) -> None:
    """Apply each service's migrations, in start order, to the database it will use."""
    for endpoint in endpoints:
        directory = endpoint.manifest.migrations_dir
        if directory is None:
            out.write(f"{endpoint.name}: no database, nothing to migrate\n")
            continue
        url = database_url(endpoint, config, environ)
        schema = environ.get(f"{endpoint.manifest.env_prefix}DATABASE_SCHEMA") or None
        try:
            await migrate_service(directory, url, schema=schema)
        except Exception as exc:  # Alembic, the driver or the migration itself: all end here
            raise MigrationError(f"migrating {endpoint.name} failed: {exc!r}") from exc
        shown = make_url(url).render_as_string(hide_password=True)
        out.write(f"{endpoint.name}: migrated ({shown})\n")
