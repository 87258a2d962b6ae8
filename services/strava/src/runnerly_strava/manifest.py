"""How the launcher sees the strava service (no import of the app here)."""

from runnerly_kit.manifest import ServiceManifest

STRAVA_PORT = 8704

MANIFEST = ServiceManifest(
    name="strava",
    app_factory="runnerly_strava.main:create_app",
    env_prefix="STRAVA_",
    default_port=STRAVA_PORT,
    migrations_package="runnerly_strava",
    start_order=30,
    # It writes runners' Strava activities into the runs service.
    client_scopes=("runs:import",),
    generated_secrets=("TOKEN_ENCRYPTION_KEY", "WEBHOOK_VERIFY_TOKEN"),
)
