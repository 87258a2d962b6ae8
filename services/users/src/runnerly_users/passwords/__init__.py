"""Passwords: reset by a mailed one-time link, or changed with the current one; sessions end."""
