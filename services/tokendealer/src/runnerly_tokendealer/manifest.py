"""How the launcher sees the token dealer (no import of the app here)."""

from runnerly_kit.manifest import ServiceManifest

# runnerly_kit.settings.TOKENDEALER_PORT, not imported: the launcher reads every
# manifest, and the settings module would load pydantic into it (a launcher test
# keeps the two equal).
TOKENDEALER_PORT = 8701

MANIFEST = ServiceManifest(
    name="tokendealer",
    app_factory="runnerly_tokendealer.main:create_app",
    env_prefix="TOKENDEALER_",
    default_port=TOKENDEALER_PORT,
    migrations_package="runnerly_tokendealer",
    # First: every other service fetches its token (and the JWKS) from here.
    start_order=0,
    # It asks the users service to check a runner's password (the password grant).
    client_scopes=("users:credentials.check",),
)
