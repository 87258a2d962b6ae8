"""Test fixtures shared by every service."""
