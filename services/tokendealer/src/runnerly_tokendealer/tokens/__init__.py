"""The OAuth2 token endpoint: grants, access tokens, refresh tokens, revocation."""
