"""The Strava screen: the link's state, connect (state bound to this browser), sync, disconnect."""
