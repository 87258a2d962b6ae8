"""A local Strava: the endpoints Runnerly uses, with the payloads of Strava's published API v3.

The one fake allowed in Runnerly's tests (Strava is a third-party internet
API): the real client code talks HTTP to it exactly as to Strava. It serves,
from its root (so both ``STRAVA_STRAVA_API_URL`` and, with ``/oauth``,
``STRAVA_STRAVA_OAUTH_URL`` point at it)::

    GET  /oauth/authorize              redirects at once, as if the signed-in athlete agreed
    POST /oauth/token                  authorization_code and refresh_token grants
    POST /oauth/deauthorize            revokes the athlete's tokens
    GET  /athlete/activities           SummaryActivity pages (page, per_page, before, after)
    GET  /activities/{id}              DetailedActivity, laps included
    GET  /activities/{id}/streams      StreamSet (key_by_type=true) or a list of streams
    POST/GET/DELETE /push_subscriptions  with the GET validation callback Strava performs

API calls need ``Authorization: Bearer <access token>`` (401 with Strava's
error shape otherwise), are counted in a short and a daily window (aligned
on the epoch, lengths configurable) and answered with the usage headers;
above a limit, or when told to, they get 429. Tokens expire
(``token_lifetime``); a refresh issues a new access token only when the old
one expires within the hour, as Strava does, and then rotates the refresh
token too.

Test controls are plain methods on :class:`FakeStrava` (add athletes and
activities, sign an athlete in for the next authorization, expire or revoke
tokens, fail the next calls with 429, push a webhook event). Every request
is recorded in :attr:`FakeStrava.calls`. No pytest here: the strava
service's tests and the end-to-end tests import it. The service itself never
does (an import contract says so), and ``runnerly up`` does not start it: a
local run talks to the real Strava once its credentials are configured.

Where things are::

    server          FakeStrava (state and controls), running_fake_strava, RecordedCall
    oauth           /oauth/authorize, /oauth/token, /oauth/deauthorize
    api             /athlete/activities, /activities/{id}, /activities/{id}/streams
    subscriptions   /push_subscriptions, with the validation callback
    activities      athletes and activities, their payloads, generated streams and laps
    grants          authorization codes and token pairs
    usage           the rate-limit windows
    replies         Strava's error shape, reading forms and bearer tokens
"""

from runnerly_strava.testing.activities import Activity, Athlete, encode_polyline
from runnerly_strava.testing.server import FakeStrava, RecordedCall, running_fake_strava

__all__ = [
    "Activity",
    "Athlete",
    "FakeStrava",
    "RecordedCall",
    "encode_polyline",
    "running_fake_strava",
]
