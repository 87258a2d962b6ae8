"""How the launcher sees the dashboard (no import of the app here)."""

from runnerly_kit.manifest import ServiceManifest

DASHBOARD_PORT = 8700

MANIFEST = ServiceManifest(
    name="dashboard",
    app_factory="runnerly_dashboard.main:create_app",
    env_prefix="DASHBOARD_",
    default_port=DASHBOARD_PORT,
    migrations_package="runnerly_dashboard",
    # Last: every screen calls users, runs and strava.
    start_order=40,
    # Runners log in through the dashboard; their tokens carry the runner scope only
    # (the token dealer keeps the intersection with the account's own scopes).
    client_scopes=("runner",),
    # No client_credentials: the dashboard never calls a peer in its own name, and a
    # client-credentials token would carry the runner scope for a subject "dashboard".
    grant_types=("password", "refresh_token"),
    generated_secrets=("SESSION_ENCRYPTION_KEY",),
    # Strava sends the browser back here, where the connect's state is checked against the
    # browser's session before the strava service exchanges the code.
    peer_urls=(("strava", "REDIRECT_URL", "/bff/v1/strava/callback"),),
)
