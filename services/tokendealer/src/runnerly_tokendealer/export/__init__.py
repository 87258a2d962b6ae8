"""A runner's data export: the login sessions the token dealer keeps, never a token."""
