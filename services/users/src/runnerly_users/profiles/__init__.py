"""A runner's own profile: read, change, change the email address, delete the account."""
