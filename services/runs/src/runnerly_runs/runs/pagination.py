"""Pages of a runner's runs, newest first, with an opaque cursor.

The cursor is the (start, id) of a page's last run: the next page continues
strictly after it in the same order, so runs added meanwhile never shift a
page. It is base64url JSON, not a secret; anything that does not decode to
that shape is refused with 422.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from datetime import datetime

import orjson

from runnerly_kit.errors import InvalidInput
from runnerly_runs.models import Run
from runnerly_runs.runs.schemas import RunPage, RunSummary

#: The (started_at, id) key the listing is ordered by (descending).
Key = tuple[datetime, str]


def encode_cursor(started_at: datetime, run_id: str) -> str:
    """The cursor that continues after the run (``started_at``, ``run_id``)."""
    raw = orjson.dumps([started_at.isoformat(), run_id])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> Key:
    """The (started_at, id) a cursor stands for; 422 for anything not made by us."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        started, run_id = orjson.loads(raw)
        moment = datetime.fromisoformat(started)
        if moment.tzinfo is None or not isinstance(run_id, str):
            raise ValueError("not a cursor")  # noqa: TRY301 - one refusal for every malformation
    except (ValueError, TypeError, binascii.Error, orjson.JSONDecodeError) as exc:
        raise InvalidInput(
            "The cursor is not one this API gave out.", code="invalid_cursor"
        ) from exc
    return moment, run_id


def page_of(rows: Sequence[Run], limit: int) -> RunPage:
    """The page of ``rows`` read with ``limit + 1``: one more row means there is a next page."""
    more = len(rows) > limit
    shown = rows[:limit]
    summaries = [RunSummary.model_validate_json(run.listing_json) for run in shown]
    last = shown[-1] if shown else None
    next_cursor = encode_cursor(last.started_at, last.id) if more and last else None
    return RunPage(runs=summaries, next_cursor=next_cursor)
