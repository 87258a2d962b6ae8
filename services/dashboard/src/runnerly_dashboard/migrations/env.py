"""Alembic environment: the kit runs it on the database it was handed."""

from runnerly_dashboard.models import Base
from runnerly_kit.migrations import run_env

run_env(Base.metadata)
