"""Runnerly strava: the link between a runner and Strava, and the sync of their runs.

Where things are::

    admin/      the operator's push-subscription endpoint (scope "admin")
    webhook/    Strava's subscription challenge and push events (recorded as jobs)
    sync/       the worker, what each job does, token refresh     worker -> handlers -> tokens
    links/      connect (OAuth with a hashed, single-use state), callback, the link, sync now,
                disconnect                                    endpoints -> service -> repository
    jobs/       the durable job queue (leases)                           service -> repository
    strava/     Strava's API client, its errors, and the rate-limit pacing
    runs_api    runs' internal import API (our service token, scope runs:import)
    activities  Strava's DetailedActivity + streams -> runs' body (pure)
    consumers   users.user.deleted.v1: forget the runner, revoke at Strava
    testing/    a local Strava speaking its documented API, for tests (never imported here)

Features are listed highest first: each imports only those below it, and only
through their ``service`` (a feature's one door).
"""

__version__ = "0.1.0"
