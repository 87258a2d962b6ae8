"""Runnerly token dealer: OAuth2 tokens, signing keys and their rotation."""

__version__ = "0.1.0"
