"""Bodies of the profile endpoints, with the ranges a runner's numbers may take."""

from __future__ import annotations

import functools
import zoneinfo
from datetime import UTC, datetime
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from runnerly_users.credentials import MAX_PASSWORD_LENGTH

Units = Literal["km", "miles"]
#: ISO/IEC 5218: 0 not known, 1 male, 2 female, 9 not applicable.
Sex = Literal[0, 1, 2, 9]
# Fields that always have a value: null is refused rather than read as "clear".
_NOT_NULL = ("name", "units", "time_zone", "email_preferences")


@functools.cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


class Home(BaseModel):
    """Where the runner lives: a place name, with coordinates when known."""

    model_config = ConfigDict(extra="forbid")

    place: str = Field(min_length=1, max_length=200)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)

    @model_validator(mode="after")
    def _both_coordinates_or_none(self) -> Self:
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("give both latitude and longitude, or neither")
        return self


class AccountDeletion(BaseModel):
    """The password again, to delete the account."""

    model_config = ConfigDict(extra="forbid")

    password: str = Field(min_length=1, max_length=MAX_PASSWORD_LENGTH)


class EmailPreferences(BaseModel):
    """Which emails the runner wants."""

    model_config = ConfigDict(extra="forbid")

    monthly_report: bool = True


class Profile(BaseModel):
    """A runner's profile as they see it."""

    id: str
    email: str
    name: str
    first_name: str | None
    last_name: str | None
    birth_year: int | None
    sex: Sex | None
    weight_kg: float | None
    max_heart_rate: int | None
    resting_heart_rate: int | None
    vo2max: float | None
    home: Home | None
    units: Units
    time_zone: str
    email_preferences: EmailPreferences


class ProfileChange(BaseModel):
    """The fields to change; a field left out stays as it is, ``null`` clears an optional one."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=100)
    first_name: str | None = Field(default=None, max_length=100)
    last_name: str | None = Field(default=None, max_length=100)
    birth_year: int | None = Field(default=None, ge=1900)
    sex: Sex | None = None
    weight_kg: float | None = Field(default=None, ge=20, le=400)
    max_heart_rate: int | None = Field(default=None, ge=30, le=250)
    resting_heart_rate: int | None = Field(default=None, ge=30, le=250)
    vo2max: float | None = Field(default=None, ge=10, le=100)
    home: Home | None = None
    units: Units | None = None
    time_zone: str | None = Field(default=None, max_length=64)
    email_preferences: EmailPreferences | None = None

    @model_validator(mode="before")
    @classmethod
    def _no_null_for_required(cls, data: Any) -> Any:
        if isinstance(data, dict):
            nulls = [name for name in _NOT_NULL if name in data and data[name] is None]
            if nulls:
                raise ValueError(f"{', '.join(nulls)} cannot be null")
        return data

    @field_validator("birth_year")
    @classmethod
    def _not_in_the_future(cls, year: int | None) -> int | None:
        if year is not None and year > datetime.now(UTC).year:
            raise ValueError("the birth year is in the future")
        return year

    @field_validator("time_zone")
    @classmethod
    def _known_time_zone(cls, name: str | None) -> str | None:
        if name is not None and name not in _time_zones():
            raise ValueError("not an IANA time zone name (e.g. Europe/Paris)")
        return name
