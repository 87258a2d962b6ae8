""" "Download my data": a zip of the runner's data from every service of the configured list."""
