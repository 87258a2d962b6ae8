"""Runnerly dashboard: the web app's files and its backend-for-frontend (BFF) under ``/bff/v1``.

The browser holds only an opaque session cookie; the runner's tokens live in
this service's database (the refresh token encrypted). Each screen of the app
is one call here, which gathers what the screen shows from the services that
own it, with the runner's own access token.

Where things are::

    web/        the built app's files (SPA fallback), security headers, compression
    home/       the home screen: profile and runs' panels gathered in parallel, with deadlines
    runs/       the runs list and a run's page (ETag), edit, delete
    imports/    uploads streamed file by file to runs, with per-file results
    strava/     connect (state bound to the browser session), callback, sync, disconnect
    profile/    the settings screen: profile, email, password, account deletion
    export/     "download my data": a zip from every service's export route
    accounts/   sign-up, activation, password reset, email confirmation (no login)
    sessions/   browser sessions: cookie, CSRF, login, logout, token refresh
    peers.py    calls to the services with the runner's token; their errors as ours
    panels.py   a screen's part that may be unavailable while the rest loads
    shapes.py   the services' bodies, re-declared so this OpenAPI document is complete

Features are listed highest first: each imports only those below it, and only
through their ``service`` (a feature's one door).
"""

__version__ = "0.1.0"
