"""Runnerly mailer: renders email commands from templates and delivers them over SMTP."""

__version__ = "0.1.0"
