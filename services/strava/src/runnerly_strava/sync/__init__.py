"""The sync: the worker, what each kind of job does, and the athlete's tokens while it does it."""
