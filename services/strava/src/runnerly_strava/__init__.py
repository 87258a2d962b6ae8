"""Runnerly strava: the link between a runner and Strava, and the sync of their runs."""

__version__ = "0.1.0"
