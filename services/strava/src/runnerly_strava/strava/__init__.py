"""Strava's API as this service uses it: the client, its errors, and the rate-limit pacing."""
