"""Browser sessions: the cookie, CSRF, login, logout and the runner's tokens kept fresh."""
