"""Accounts: sign-up, activation by email, and the credentials check behind a login."""
