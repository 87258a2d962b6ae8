"""The dashboard's Alembic migrations (run by the kit: ``runnerly migrate``)."""
