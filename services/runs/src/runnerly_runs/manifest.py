"""How the launcher sees the runs service (no import of the app here)."""

from runnerly_kit.manifest import ServiceManifest

RUNS_PORT = 8703

MANIFEST = ServiceManifest(
    name="runs",
    app_factory="runnerly_runs.main:create_app",
    env_prefix="RUNS_",
    default_port=RUNS_PORT,
    migrations_package="runnerly_runs",
    start_order=20,
)
