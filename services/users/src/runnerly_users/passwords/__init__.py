"""Password reset by email: a mailed one-time link sets a new password and ends every session."""
