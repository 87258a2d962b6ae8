"""Alembic environment of the fake ``alpha`` service, the same two lines as a real service's."""

from runnerly_kit.migrations import run_env
from sqlalchemy import MetaData

run_env(MetaData())
