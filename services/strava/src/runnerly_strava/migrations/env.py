"""Alembic environment: the kit runs it on the database it was handed."""

from runnerly_kit.migrations import run_env
from runnerly_strava.models import Base

run_env(Base.metadata)
