"""Account steps that need no login: sign-up, activation, password reset, email confirmation."""
