"""Whether a service's database needs migrating, read without Alembic: a database at head is
started at once, anything else goes through the migrations."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from runnerly_kit.manifest import ServiceManifest
from runnerly_launcher.config import load_config
from runnerly_launcher.migrate import migrate
from runnerly_launcher.uptodate import needs_migrating

Manifests = tuple[ServiceManifest, ServiceManifest]

NEXT_REVISION = '''"""A second revision."""

revision: str = "0002"
down_revision: str | None = "0001"


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
'''


async def test_a_database_is_up_to_date_only_once_migrated_to_head(
    fake_manifests: Manifests, tmp_path: Path
) -> None:
    """No file yet: needs migrating; once migrated: not; a service without a database never
    does."""
    alpha, beta = fake_manifests
    config = load_config([alpha, beta], {"RUNNERLY_DATA_DIR": str(tmp_path / "var")})
    endpoint_alpha, endpoint_beta = config.services

    assert needs_migrating(endpoint_alpha, config, {})
    assert not needs_migrating(endpoint_beta, config, {})

    await migrate([endpoint_alpha], config, {}, io.StringIO())

    assert not needs_migrating(endpoint_alpha, config, {})


async def test_a_new_migration_makes_a_migrated_database_need_migrating(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A revision added after the last migration (a newer version of the service) is seen
    from its file: the database needs migrating again."""
    # A copy of the fake service's migrations under a package name of this test's own.
    package = f"uptodate_{tmp_path.name}".replace("-", "_")
    fakes = Path(__file__).parent / "fakes"
    copy = tmp_path / "packages"
    shutil.copytree(fakes / "fake_runnerly", copy / package)
    monkeypatch.syspath_prepend(str(copy))
    manifest = ServiceManifest(
        name="alpha",
        app_factory=f"{package}.apps:create_alpha",
        env_prefix="ALPHA_",
        default_port=8771,
        migrations_package=package,
    )
    assert manifest.migrations_dir == copy / package / "migrations"
    config = load_config([manifest], {"RUNNERLY_DATA_DIR": str(tmp_path / "var")})
    (endpoint,) = config.services
    await migrate([endpoint], config, {}, io.StringIO())
    assert not needs_migrating(endpoint, config, {})

    (manifest.migrations_dir / "versions" / "0002_next.py").write_text(NEXT_REVISION)

    assert needs_migrating(endpoint, config, {})


def test_a_database_other_than_sqlite_is_left_to_alembic(
    fake_manifests: Manifests, tmp_path: Path
) -> None:
    """With a PostgreSQL URL (or any but the SQLite default), the launcher cannot tell: it
    always runs the migrations."""
    alpha, _ = fake_manifests
    config = load_config([alpha], {"RUNNERLY_DATA_DIR": str(tmp_path / "var")})
    environ = {"ALPHA_DATABASE_URL": "postgresql+asyncpg://runner@127.0.0.1:1/none"}

    assert needs_migrating(config.services[0], config, environ)
