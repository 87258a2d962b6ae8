"""Strava's push subscription: the validation challenge and the event receiver."""
