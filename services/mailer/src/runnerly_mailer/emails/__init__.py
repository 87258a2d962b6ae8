"""Outgoing emails: storing commands, claiming and settling deliveries, the operator's API."""
