"""How the launcher sees the users service (no import of the app here)."""

from runnerly_kit.manifest import ServiceManifest

USERS_PORT = 8702

MANIFEST = ServiceManifest(
    name="users",
    app_factory="runnerly_users.main:create_app",
    env_prefix="USERS_",
    default_port=USERS_PORT,
    migrations_package="runnerly_users",
    # After the token dealer, whose JWKS verifies every caller here.
    start_order=10,
)
