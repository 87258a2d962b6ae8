"""A runner's data export: their Strava link, authorization requests and sync jobs, no token."""
