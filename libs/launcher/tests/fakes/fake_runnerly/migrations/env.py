"""Alembic environment of the fake ``alpha`` service, the same two lines as a real service's."""

from sqlalchemy import MetaData

from runnerly_kit.migrations import run_env

run_env(MetaData())
