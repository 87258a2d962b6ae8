"""``/v1/runs/overview``: what the dashboard's home screen shows of a runner's runs, in one read."""
