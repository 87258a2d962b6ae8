"""The JSON of Strava's webhook (its documented event shape)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

#: Strava's ids are 64-bit integers (and so are our columns).
_INT64_MAX = 2**63 - 1


class StravaEvent(BaseModel):
    """One push event. Unknown fields are ignored: Strava may add some."""

    model_config = ConfigDict(extra="ignore")

    object_type: str = Field(max_length=32, description="``activity`` or ``athlete``.")
    object_id: int = Field(ge=1, le=_INT64_MAX)
    aspect_type: str = Field(max_length=32, description="``create``, ``update`` or ``delete``.")
    owner_id: int = Field(ge=1, le=_INT64_MAX)
    subscription_id: int = Field(ge=1, le=_INT64_MAX)
    event_time: int = Field(ge=0, le=_INT64_MAX)
    updates: dict[str, Any] = Field(default_factory=dict)


class Challenge(BaseModel):
    """The echo Strava expects when it validates the subscription's callback."""

    model_config = ConfigDict(populate_by_name=True)

    hub_challenge: str = Field(alias="hub.challenge", serialization_alias="hub.challenge")


class EventReceipt(BaseModel):
    """What happened to an event (Strava only looks at the 200)."""

    status: Literal["queued", "ignored"]
