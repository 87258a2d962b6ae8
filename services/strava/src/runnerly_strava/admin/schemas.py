"""The JSON of the operator endpoints."""

from __future__ import annotations

from pydantic import BaseModel


class Subscription(BaseModel):
    """Strava's push subscription for our application."""

    id: int
    callback_url: str


class Subscriptions(BaseModel):
    """The subscriptions Strava knows for our application (at most one)."""

    subscriptions: list[Subscription]
