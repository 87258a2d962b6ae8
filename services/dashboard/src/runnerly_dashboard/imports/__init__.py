"""Uploads: many activity files at once, passed to runs one by one, with a result per file."""
