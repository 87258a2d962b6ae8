"""A runner's data export: every run with everything known of it, and GPX tracks regenerated."""
