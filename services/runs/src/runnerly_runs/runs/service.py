"""The rules of runs: storing a recording once, merging a second source, reading, editing.

A recording is stored as a new run unless the runner already has that run:
the same recording (same file, same Strava activity) is recognised by its
source id; another source's copy of the same run (started within a minute,
distance within 2%) is merged into the existing run, which keeps both
source ids. Every new run publishes ``runs.run.created.v1`` exactly once;
changes publish ``runs.run.updated.v1``; deletions ``runs.run.deleted.v1``.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from runnerly_contracts.runs import RunCreated, RunDeleted, RunUpdated
from runnerly_kit.auth import Runner
from runnerly_kit.db import Database
from runnerly_kit.errors import InvalidInput, NotFound
from runnerly_runs.models import BestEffortRecord, Run, RunSeries, RunSource
from runnerly_runs.outbox import publish
from runnerly_runs.recording import Recording
from runnerly_runs.runs import repository
from runnerly_runs.runs.schemas import (
    BestEffortOut,
    LapOut,
    RunDetail,
    RunPage,
    RunPatch,
    RunSummary,
    SourceDetail,
    SourceRef,
    SplitOut,
)
from runnerly_runs.settings import RunsSettings
from runnerly_runs.tracks import Series, pack_series, unpack_series


@dataclass(frozen=True, slots=True)
class Context:
    """What the rules need: the request's transaction, the settings, the time."""

    session: AsyncSession
    settings: RunsSettings
    now: datetime


class Outcome(StrEnum):
    """What storing a recording did."""

    created = "created"
    merged = "merged"
    updated = "updated"
    already_imported = "already_imported"


@dataclass(frozen=True, slots=True)
class Stored:
    run_id: str
    outcome: Outcome


# ---------------------------------------------------------------- storing


async def store(context: Context, runner_id: str, recording: Recording) -> Stored:
    """Store ``recording`` as the runner's run: new, merged into its twin, or already there."""
    session = context.session
    await repository.lock_runner(session, runner_id)
    known = await repository.find_source(session, runner_id, recording.source, recording.source_id)
    if known is not None:
        return Stored(known.run_id, Outcome.already_imported)
    twin = await find_twin(context, runner_id, recording)
    if twin is not None:
        await _merge(context, twin, recording)
        return Stored(twin.id, Outcome.merged)
    run = await create(context, runner_id, recording)
    return Stored(run.id, Outcome.created)


async def find_twin(context: Context, runner_id: str, recording: Recording) -> Run | None:
    """The runner's run this recording is another copy of, if any (start and distance agree)."""
    settings = context.settings
    window = timedelta(seconds=settings.duplicate_start_seconds)
    for run in await repository.runs_starting_near(
        context.session, runner_id, recording.started_at, window
    ):
        longest = max(run.distance_m, recording.distance_m)
        if (
            abs(run.distance_m - recording.distance_m)
            <= settings.duplicate_distance_ratio * longest
        ):
            return run
    return None


async def create(context: Context, runner_id: str, recording: Recording) -> Run:
    """Store ``recording`` as a new run (no twin search: a typed-in run is its own)."""
    session = context.session
    run = Run(
        id=str(uuid.uuid4()),
        runner_id=runner_id,
        created_at=context.now,
        has_series=False,
        listing_json="",
    )
    _apply_recording(run, recording)
    run.title = recording.title
    run.description = recording.description
    run.updated_at = context.now
    session.add(run)
    source = _source_row(run, recording, context.now)
    session.add(source)
    await _store_series(context, run, recording)
    await session.flush()
    run.listing_json = render_listing(run, [source])
    publish(
        session,
        RunCreated(
            run_id=run.id,
            runner_id=runner_id,
            source=recording.source,
            started_at=run.started_at,
            distance_m=run.distance_m,
            moving_time_s=run.moving_time_s,
            elapsed_time_s=run.elapsed_time_s,
            elevation_gain_m=run.elevation_gain_m,
        ),
        runner_id,
    )
    return run


async def _merge(context: Context, run: Run, recording: Recording) -> None:
    """Attach a second source to ``run``; its series fills in what the run lacked."""
    changed = ["sources"]
    context.session.add(_source_row(run, recording, context.now))
    if not run.has_series and recording.series is not None and len(recording.series) > 1:
        # A typed-in or summary-only run gains the recording's detail; the
        # runner's title and description are theirs and stay.
        _apply_recording(run, recording)
        await _store_series(context, run, recording)
        changed.append("recording")
    await _touch(context, run, changed)


async def update_recording(context: Context, run: Run, recording: Recording) -> None:
    """The source changed its account of the run (a Strava edit): take its words and figures."""
    run.title = recording.title
    run.description = recording.description
    _apply_recording(run, recording)
    await _store_series(context, run, recording)
    await _touch(context, run, ["title", "description", "recording"])


def _apply_recording(run: Run, recording: Recording) -> None:
    run.sport = recording.sport
    run.started_at = recording.started_at.astimezone(UTC)
    run.time_zone = recording.time_zone
    run.distance_m = recording.distance_m
    run.moving_time_s = recording.moving_time_s
    run.elapsed_time_s = recording.elapsed_time_s
    run.elevation_gain_m = recording.elevation_gain_m
    run.average_heart_rate = recording.average_heart_rate
    run.max_heart_rate = recording.max_heart_rate
    run.average_cadence = recording.average_cadence
    run.average_speed_mps = recording.average_speed_mps
    run.polyline = recording.polyline
    run.splits = [asdict(split) for split in recording.splits]
    run.laps = [asdict(lap) for lap in recording.laps]


async def _store_series(context: Context, run: Run, recording: Recording) -> None:
    series = recording.series
    if series is None or len(series) < 2:
        return
    session = context.session
    stored = await repository.series_of(session, run.id) if run.has_series else None
    if stored is None:
        session.add(RunSeries(run_id=run.id, points=len(series), data=pack_series(series)))
    else:
        stored.points, stored.data = len(series), pack_series(series)
    run.has_series = True
    efforts = [
        BestEffortRecord(
            run_id=run.id,
            name=effort.name,
            runner_id=run.runner_id,
            distance_m=effort.distance_m,
            elapsed_s=effort.elapsed_s,
            start_offset_s=effort.start_offset_s,
        )
        for effort in recording.efforts
    ]
    await session.flush()
    await repository.replace_efforts(session, run.id, efforts)


def _source_row(run: Run, recording: Recording, now: datetime) -> RunSource:
    return RunSource(
        run_id=run.id,
        runner_id=run.runner_id,
        source=recording.source,
        source_id=recording.source_id,
        filename=recording.filename,
        added_at=now,
    )


async def _touch(context: Context, run: Run, fields: list[str]) -> None:
    """Re-render the run's listing and tell subscribers what changed."""
    session = context.session
    run.updated_at = context.now
    await session.flush()
    run.listing_json = render_listing(run, await repository.sources_of(session, run.id))
    publish(
        session, RunUpdated(run_id=run.id, runner_id=run.runner_id, fields=fields), run.runner_id
    )


# ---------------------------------------------------------------- reading


def summary_of(run: Run, sources: list[RunSource]) -> RunSummary:
    return RunSummary(
        id=run.id,
        title=run.title,
        sport=run.sport,
        started_at=run.started_at,
        time_zone=run.time_zone,
        distance_m=run.distance_m,
        moving_time_s=run.moving_time_s,
        elapsed_time_s=run.elapsed_time_s,
        elevation_gain_m=run.elevation_gain_m,
        average_heart_rate=run.average_heart_rate,
        max_heart_rate=run.max_heart_rate,
        average_cadence=run.average_cadence,
        average_speed_mps=run.average_speed_mps,
        average_pace_s_per_km=pace(run.distance_m, run.moving_time_s),
        polyline=run.polyline,
        sources=[SourceRef(source=s.source, source_id=s.source_id) for s in sources],
    )


def render_listing(run: Run, sources: list[RunSource]) -> str:
    """The run's listing JSON, kept on the row so that listings need no serialisation."""
    return summary_of(run, sources).model_dump_json()


def pace(distance_m: float, seconds: float) -> float | None:
    """Seconds per kilometre; None when nothing was covered."""
    return round(seconds / distance_m * 1000, 1) if distance_m > 0 and seconds > 0 else None


async def owned_run(context: Context, runner: Runner, run_id: str) -> Run:
    """The runner's run, or 404 (another runner's run is answered as if it did not exist)."""
    run = await repository.get_run(context.session, run_id)
    # The same answer for "missing" and "someone else's", so ids cannot be probed.
    if run is None or run.runner_id != runner.id:
        raise NotFound("No such run.", code="run_not_found")
    return run


async def detail(context: Context, run: Run) -> RunDetail:
    session = context.session
    sources = await repository.sources_of(session, run.id)
    efforts = await repository.efforts_of(session, run.id)
    return RunDetail(
        **summary_of(run, sources).model_dump(),
        description=run.description,
        splits=[
            SplitOut(**split, pace_s_per_km=pace(split["distance_m"], split["moving_s"]))
            for split in run.splits
        ],
        laps=[LapOut(**lap) for lap in run.laps],
        best_efforts=[
            BestEffortOut(
                name=e.name,
                distance_m=e.distance_m,
                elapsed_s=e.elapsed_s,
                start_offset_s=e.start_offset_s,
            )
            for e in efforts
        ],
        has_series=run.has_series,
        source_details=[
            SourceDetail(
                source=s.source,
                source_id=s.source_id,
                filename=s.filename,
                added_at=s.added_at,
            )
            for s in sources
        ],
        created_at=run.created_at,
        updated_at=run.updated_at,
    )


async def series(context: Context, run: Run) -> Series:
    stored = await repository.series_of(context.session, run.id)
    if stored is None:
        raise NotFound("This run has no recorded time series.", code="no_series")
    return unpack_series(stored.data)


async def page(
    context: Context,
    runner_id: str,
    *,
    limit: int,
    cursor: str | None,
    started_after: datetime | None,
    started_before: datetime | None,
) -> RunPage:
    """A page of the runner's runs, newest first; the cursor continues after its last run."""
    session = context.session
    rows = await repository.page_of_runs(
        session,
        runner_id,
        limit=limit + 1,
        before_key=decode_cursor(cursor) if cursor else None,
        started_after=started_after,
        started_before=started_before,
    )
    more = len(rows) > limit
    rows = rows[:limit]
    summaries = [RunSummary.model_validate_json(run.listing_json) for run in rows]
    next_cursor = encode_cursor(rows[-1].started_at, rows[-1].id) if more and rows else None
    return RunPage(runs=summaries, next_cursor=next_cursor)


async def last_listings_body(db: Database, runner_id: str, limit: int) -> bytes:
    """``{"runs": [...]}`` of the runner's latest runs, assembled from the stored listings."""
    listings = await repository.last_listings(db, runner_id, limit)
    return b'{"runs":[' + ",".join(listings).encode() + b"]}"


def encode_cursor(started_at: datetime, run_id: str) -> str:
    raw = orjson.dumps([started_at.isoformat(), run_id])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
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


# ---------------------------------------------------------------- changing


async def edit(context: Context, run: Run, patch: RunPatch) -> None:
    """The runner's change of title or description (what is not given stays)."""
    given = patch.model_fields_set
    title = patch.title if "title" in given and patch.title is not None else run.title
    description = patch.description or None if "description" in given else run.description
    await edit_words(context, run, title, description)


async def edit_words(context: Context, run: Run, title: str, description: str | None) -> None:
    """Set the run's title and description; an update event only if something changed."""
    fields = []
    if title != run.title:
        run.title = title
        fields.append("title")
    if description != run.description:
        run.description = description
        fields.append("description")
    if fields:
        await _touch(context, run, fields)


async def remove(context: Context, run: Run) -> None:
    await context.session.delete(run)
    publish(context.session, RunDeleted(run_id=run.id, runner_id=run.runner_id), run.runner_id)


async def detach_source(context: Context, run: Run, source: RunSource) -> None:
    """Forget one recording of a run; the run goes with its last recording."""
    session = context.session
    await session.delete(source)
    await session.flush()
    if await repository.count_sources(session, run.id) == 0:
        await remove(context, run)
    else:
        await _touch(context, run, ["sources"])
