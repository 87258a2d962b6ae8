"""The pure pieces: Strava's payloads to runs' body, the cipher, the rate limiter, settings."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from runnerly_kit.crypto import UndecryptableToken
from runnerly_strava.activities import is_run, run_body, time_zone
from runnerly_strava.dependencies import strava_cipher
from runnerly_strava.settings import StravaSettings
from runnerly_strava.strava.ratelimit import RateLimiter
from runnerly_strava.testing import FakeStrava, encode_polyline

# ------------------------------------------------------------ activities


def _detailed(sport_type: str = "TrailRun") -> tuple[dict[str, Any], dict[str, Any]]:
    fake = FakeStrava()
    athlete = fake.add_athlete()
    start = datetime(2026, 3, 14, 7, 30, tzinfo=UTC)
    activity = fake.activities[
        fake.add_activity(athlete, sport_type, start=start, distance_m=3_000.0, moving_time_s=900)
    ]
    streams = {
        key: {"data": values, "series_type": "distance"} for key, values in activity.streams.items()
    }
    return activity.detailed(), streams


def test_a_strava_activity_becomes_runs_import_body() -> None:
    """A Strava activity and its streams become the body runs imports: figures, laps, streams."""
    activity, streams = _detailed()

    body = run_body(activity, streams)

    assert body["title"] == "Morning TrailRun"
    assert body["sport"] == "TrailRun"
    assert body["started_at"] == "2026-03-14T07:30:00+00:00"
    assert body["time_zone"] == "Europe/Paris"
    assert body["distance_m"] == 3_000.0
    assert body["moving_time_s"] == 900.0
    assert body["elapsed_time_s"] == 930.0
    assert body["average_cadence"] == activity["average_cadence"]  # as Strava gives it
    assert body["polyline"] == activity["map"]["summary_polyline"]
    # 3 km in 15 minutes: a lap every kilometre, every five minutes.
    assert [lap["start_offset_s"] for lap in body["laps"]] == [0.0, 300.0, 600.0]
    assert [lap["elapsed_s"] for lap in body["laps"]] == [300.0, 300.0, 300.0]
    assert [round(lap["distance_m"]) for lap in body["laps"]] == [1000, 1000, 1000]
    assert body["streams"]["latlng"][0] == [48.8566, 2.3522]
    assert set(body["streams"]) == {
        "time",
        "distance",
        "latlng",
        "altitude",
        "heartrate",
        "cadence",
    }


def test_without_streams_the_body_has_none() -> None:
    """Without streams, or without a time stream, the body sent to runs carries no streams."""
    activity, _ = _detailed()

    assert run_body(activity, None)["streams"] is None
    assert run_body(activity, {"distance": {"data": [1.0]}})["streams"] is None


@pytest.mark.parametrize(
    ("sport_type", "legacy", "kept"),
    [
        ("Run", "Run", True),
        ("TrailRun", "Run", True),
        ("VirtualRun", "VirtualRun", True),
        ("Ride", "Ride", False),
        ("Walk", "Walk", False),
        (None, "Run", True),
    ],
)
def test_only_running_activities_are_kept(sport_type: str | None, legacy: str, kept: bool) -> None:
    """Runs, trail and virtual runs are kept, by sport_type or else the legacy type; rides not."""
    assert is_run({"sport_type": sport_type, "type": legacy}) is kept


def test_stravas_time_zone_label_becomes_an_iana_name() -> None:
    """Strava's "(GMT+01:00) Europe/Paris" label becomes Europe/Paris; an unknown zone is None."""
    assert time_zone("(GMT+01:00) Europe/Paris") == "Europe/Paris"
    assert time_zone("(GMT-08:00) America/Los_Angeles") == "America/Los_Angeles"
    assert time_zone("(GMT+00:00) Not/AZone") is None
    assert time_zone(None) is None


def test_the_polyline_encoder_matches_googles_example() -> None:
    """The local Strava's polyline encoder gives Google's documented example exactly."""
    points = [[38.5, -120.2], [40.7, -120.95], [43.252, -126.453]]

    assert encode_polyline(points) == "_p~iF~ps|U_ulLnnqC_mqNvxq`@"


# ------------------------------------------------------------ token cipher


def test_tokens_are_bound_to_their_runner_and_purpose() -> None:
    """A stored token decrypts only for its runner, purpose and key; each encryption differs."""
    cipher = strava_cipher(SecretStr("a-long-random-test-key-0123456789"))
    stored = cipher.encrypt("abc123token", runner_id="runner-1", purpose="access")

    assert "abc123token" not in stored
    assert cipher.decrypt(stored, runner_id="runner-1", purpose="access") == "abc123token"
    with pytest.raises(UndecryptableToken):
        cipher.decrypt(stored, runner_id="runner-2", purpose="access")
    with pytest.raises(UndecryptableToken):
        cipher.decrypt(stored, runner_id="runner-1", purpose="refresh")
    other_key = strava_cipher(SecretStr("another-long-random-key-0123456789"))
    with pytest.raises(UndecryptableToken):
        other_key.decrypt(stored, runner_id="runner-1", purpose="access")
    assert stored != cipher.encrypt("abc123token", runner_id="runner-1", purpose="access")


# ------------------------------------------------------------ rate limiter


def _usage(short: int, daily: int, limits: str = "10,100") -> httpx.Response:
    return httpx.Response(
        200, headers={"X-RateLimit-Limit": limits, "X-RateLimit-Usage": f"{short},{daily}"}
    )


def test_calls_pause_when_usage_reaches_the_limit_minus_the_margin() -> None:
    """Calls pause once usage reaches the limit minus the margin, until the window resets."""
    now = [1_000.5]
    limiter = RateLimiter(
        window_seconds=10, daily_window_seconds=100, margin=2, clock=lambda: now[0]
    )
    limiter.observe(_usage(7, 20))

    assert limiter.reserve() is None  # 8th call of 10, margin 2: the last one allowed
    assert limiter.reserve() == 1_010.0  # the window resets at 1010
    now[0] = 1_010.1
    assert limiter.reserve() is None


def test_a_job_reserves_all_its_calls_or_none() -> None:
    """A job reserves all the calls it needs or none, and spends its prepaid budget first."""
    limiter = RateLimiter(window_seconds=10, daily_window_seconds=100, margin=2, clock=lambda: 5.0)
    limiter.observe(_usage(7, 20))

    assert limiter.reserve(2) == 10.0  # 7 + 2 > 10 - 2
    assert limiter.reserve(1) is None
    with limiter.budget(1):
        assert limiter.take() is None  # prepaid
        assert limiter.take() == 10.0  # the budget is spent, and so is the window


def test_the_daily_window_pauses_until_the_day_resets() -> None:
    """Daily usage near the limit pauses calls until the daily window resets."""
    limiter = RateLimiter(window_seconds=10, daily_window_seconds=100, margin=2, clock=lambda: 5.0)
    limiter.observe(_usage(1, 98))

    assert limiter.paused_until() == 100.0


def test_a_429_blocks_until_the_spent_window_resets() -> None:
    """A 429 pauses calls until the short window resets, or the daily one when the day is spent."""
    limiter = RateLimiter(window_seconds=10, daily_window_seconds=100, margin=0, clock=lambda: 5.0)

    assert limiter.exhausted(httpx.Response(429)) == 10.0  # no headers: the short window
    assert limiter.paused_until() == 10.0
    assert limiter.exhausted(_usage(3, 100)) == 100.0  # the day is spent


def test_the_read_limits_count_too() -> None:
    """Strava's read rate limit pauses calls too, though the overall limit is far off."""
    limiter = RateLimiter(window_seconds=10, daily_window_seconds=100, margin=1, clock=lambda: 5.0)
    limiter.observe(
        httpx.Response(
            200,
            headers={
                "X-RateLimit-Limit": "10,100",
                "X-RateLimit-Usage": "3,3",
                "X-ReadRateLimit-Limit": "4,50",
                "X-ReadRateLimit-Usage": "3,3",
            },
        )
    )

    assert limiter.paused_until() == 10.0


# ------------------------------------------------------------ settings


def test_settings_come_from_strava_prefixed_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings come from STRAVA_ variables; redirect and webhook URLs follow the public URL
    unless the redirect is set (to the dashboard's callback, which binds the state to the
    browser)."""
    monkeypatch.setenv("STRAVA_STRAVA_CLIENT_ID", "4242")
    monkeypatch.setenv("STRAVA_STRAVA_CLIENT_SECRET", "strava-app-secret-0123456789")
    monkeypatch.setenv("STRAVA_RUNS_URL", "http://127.0.0.1:18703")
    monkeypatch.setenv("STRAVA_PUBLIC_URL", "https://runnerly.example/strava/")

    settings = StravaSettings()

    assert settings.strava_configured
    assert settings.runs_url == "http://127.0.0.1:18703"
    assert settings.redirect_uri == "https://runnerly.example/strava/v1/strava/callback"
    assert settings.webhook_url == "https://runnerly.example/strava/v1/strava/webhook"
    monkeypatch.setenv("STRAVA_REDIRECT_URL", "https://runnerly.example/bff/v1/strava/callback")
    assert StravaSettings().redirect_uri == "https://runnerly.example/bff/v1/strava/callback"


def test_placeholder_secrets_are_refused_outside_development() -> None:
    """A placeholder encryption key is refused in production, naming its variable."""
    with pytest.raises(ValueError, match="STRAVA_TOKEN_ENCRYPTION_KEY"):
        StravaSettings(
            environment="production",
            client_secret="a-real-client-secret-0123456789",
            token_encryption_key="changeme",
            webhook_verify_token="a-real-verify-token-0123456789",
        )


def test_a_strava_client_id_needs_its_secret() -> None:
    """A Strava client id without its secret is refused, naming the missing variable."""
    with pytest.raises(ValueError, match="STRAVA_STRAVA_CLIENT_SECRET"):
        StravaSettings(strava_client_id="4242")


def test_development_runs_without_strava() -> None:
    """In development the service starts without Strava credentials, pointed at the real Strava."""
    settings = StravaSettings()

    assert not settings.strava_configured
    assert settings.strava_api_url == "https://www.strava.com/api/v3"
    assert settings.strava_oauth_url == "https://www.strava.com/oauth"


@pytest.mark.parametrize("weak", ["aaaaaaaaaaaaaaaa", "password1234567890"])
def test_a_low_entropy_token_key_is_refused(weak: str) -> None:
    """A repeated or dictionary token-encryption key stops the service, naming the variable."""
    with pytest.raises(ValueError, match="STRAVA_TOKEN_ENCRYPTION_KEY is too weak"):
        StravaSettings(
            environment="production",
            client_secret="Hq4-strava-own-client-7Tz9wPm2",
            token_encryption_key=weak,
            webhook_verify_token="a-real-verify-token-0123456789",
        )
