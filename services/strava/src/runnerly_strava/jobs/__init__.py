"""The durable job queue: links and the webhook queue work, the sync worker claims and does it."""
