"""The built app's files: hashed assets cached for a year, index.html never, SPA fallback."""
