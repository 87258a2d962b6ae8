"""The Runnerly service kit."""
