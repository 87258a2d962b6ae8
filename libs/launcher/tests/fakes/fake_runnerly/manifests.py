"""The fake services as the launcher sees them (their default ports are never used by tests)."""

from runnerly_kit.manifest import ServiceManifest

ALPHA = ServiceManifest(
    name="alpha",
    app_factory="fake_runnerly.apps:create_alpha",
    env_prefix="ALPHA_",
    default_port=8771,
    migrations_package="fake_runnerly",
    start_order=10,
    client_scopes=("beta:read",),
)

BETA = ServiceManifest(
    name="beta",
    app_factory="fake_runnerly.apps:create_beta",
    env_prefix="BETA_",
    default_port=8772,
    start_order=20,
)

COURIER = ServiceManifest(
    name="courier",
    app_factory="fake_runnerly.apps:create_courier",
    env_prefix="COURIER_",
    default_port=8773,
    start_order=30,
    sends_mail=True,
)
