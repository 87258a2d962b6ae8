"""Bodies of the admin endpoints."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class RunnerSummary(BaseModel):
    """An account as an admin sees it (no profile details)."""

    id: str
    email: str
    name: str
    is_active: bool
    is_admin: bool
    created_at: datetime
    activated_at: datetime | None
    deactivated_at: datetime | None


class RunnerPage(BaseModel):
    """One page of accounts; pass ``next_cursor`` as ``cursor`` for the next page."""

    items: list[RunnerSummary]
    next_cursor: str | None
