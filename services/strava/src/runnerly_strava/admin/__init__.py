"""Operator endpoints (scope ``admin``): Strava's push subscription."""
