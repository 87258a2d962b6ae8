"""A runner's link to Strava: connect (OAuth), look at it, sync now, disconnect."""
