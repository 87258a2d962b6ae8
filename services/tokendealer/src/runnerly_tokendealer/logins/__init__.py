"""Runners logging in: the password grant, the users service check, and throttling."""
