"""A runner's data export: everything the users service keeps about them, never a secret."""
