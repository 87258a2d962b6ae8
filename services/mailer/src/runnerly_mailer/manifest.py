"""How the launcher sees the mailer (no import of the app here)."""

from runnerly_kit.manifest import ServiceManifest

MANIFEST = ServiceManifest(
    name="mailer",
    app_factory="runnerly_mailer.main:create_app",
    env_prefix="MAILER_",
    default_port=8708,
    migrations_package="runnerly_mailer",
    start_order=10,
    sends_mail=True,
)
