"""The fields every body about a run shares (the runs, imports and statistics features).

Kept below the features so that each feature's bodies use them without
reaching into another feature.
"""

from __future__ import annotations

from typing import Annotated
from zoneinfo import available_timezones

from pydantic import AfterValidator, Field

#: The longest run we believe: a six-day race covers ~1,000 km.
MAX_DISTANCE_M = 1_500_000.0
MAX_DURATION_S = 14 * 24 * 3600.0

_ZONES = frozenset(available_timezones())


def known_zone(value: str | None) -> str | None:
    """``value`` if it is an IANA time zone name (or None); ValueError otherwise."""
    if value is not None and value not in _ZONES:
        raise ValueError(f"unknown time zone {value!r} (expected an IANA name like Europe/Paris)")
    return value


TimeZoneName = Annotated[str | None, AfterValidator(known_zone)]
Title = Annotated[str, Field(min_length=1, max_length=200)]
Description = Annotated[str | None, Field(max_length=10_000)]
