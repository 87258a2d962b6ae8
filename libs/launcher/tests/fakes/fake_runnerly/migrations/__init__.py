"""Migrations of the fake ``alpha`` service."""
