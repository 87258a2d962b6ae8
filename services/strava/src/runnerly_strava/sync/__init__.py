"""The sync: durable jobs, their worker, and what each kind of job does."""
