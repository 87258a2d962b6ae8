"""Runnerly's benchmarks: run with ``make bench`` (see README.md here)."""
