"""Runnerly runs: runs, their files and time series, statistics and best efforts."""

__version__ = "0.1.0"
