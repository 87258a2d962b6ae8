"""A runner's data export: the emails sent (or being sent) about them, never their links."""
