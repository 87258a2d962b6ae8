"""The key ring: signing keys, their rotation, and the JWKS that publishes them."""
