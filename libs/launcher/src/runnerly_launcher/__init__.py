"""The `runnerly` command."""
