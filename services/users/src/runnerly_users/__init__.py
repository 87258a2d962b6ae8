"""Runnerly users: accounts, activation, the credentials check, password reset and profiles."""

__version__ = "0.1.0"
