"""The rules of runs: storing a recording once, merging a second source, reading, editing.

A recording is stored as a new run unless the runner already has that run
(:mod:`.duplicates`): the same recording is recognised by its source id;
another source's copy of the same run is merged into the existing run, which
keeps both source ids. Every new run publishes ``runs.run.created.v1``
exactly once; changes publish ``runs.run.updated.v1``; deletions
``runs.run.deleted.v1``.

This module is the runs feature's door: other features (imports, stats) and
the service's consumers reach runs only through the functions here.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from runnerly_contracts.runs import RunCreated, RunDeleted, RunUpdated
from runnerly_kit.auth import Runner
from runnerly_kit.db import Database
from runnerly_kit.errors import NotFound
from runnerly_runs.dependencies import Context
from runnerly_runs.models import Run, RunSource
from runnerly_runs.outbox import publish
from runnerly_runs.recording import Recording
from runnerly_runs.runs import duplicates, listing, pagination, repository
from runnerly_runs.runs.schemas import RunDetail, RunPage, RunPatch
from runnerly_runs.tracks import Series, pack_series, unpack_series


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
    await repository.lock_runner(context.session, runner_id)
    known = await _known(context, runner_id, recording.source, recording.source_id)
    if known is not None:
        return Stored(known.run_id, Outcome.already_imported)
    return await _store_new(context, runner_id, recording)


async def store_or_update(context: Context, runner_id: str, recording: Recording) -> Stored:
    """Like :func:`store`, but a recording already there takes the source's new account."""
    await repository.lock_runner(context.session, runner_id)
    known = await _known(context, runner_id, recording.source, recording.source_id)
    if known is None:
        return await _store_new(context, runner_id, recording)
    run = await _run_of(context, known)
    if await repository.count_sources(context.session, run.id) == 1:
        await _update_recording(context, run, recording)
    else:
        # A run also recorded by another source keeps that source's figures;
        # this one may still rename it.
        await edit_words(context, run, recording.title, recording.description)
    return Stored(run.id, Outcome.updated)


async def _store_new(context: Context, runner_id: str, recording: Recording) -> Stored:
    candidates = await repository.runs_starting_near(
        context.session,
        runner_id,
        recording.started_at,
        duplicates.start_window(context.settings),
    )
    twin = duplicates.twin_of(recording, candidates, context.settings)
    if twin is not None:
        await _merge(context, twin, recording)
        return Stored(twin.id, Outcome.merged)
    run = await create(context, runner_id, recording)
    return Stored(run.id, Outcome.created)


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
    repository.add_run(session, run)
    source = _add_source(context, run, recording)
    await _store_series(context, run, recording)
    await session.flush()
    run.listing_json = listing.render_listing(run, [source])
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
    _add_source(context, run, recording)
    if not run.has_series and recording.series is not None and len(recording.series) > 1:
        # A typed-in or summary-only run gains the recording's detail; the
        # runner's title and description are theirs and stay.
        _apply_recording(run, recording)
        await _store_series(context, run, recording)
        changed.append("recording")
    await _touch(context, run, changed)


async def _update_recording(context: Context, run: Run, recording: Recording) -> None:
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
    await repository.save_series(
        session, run.id, len(series), pack_series(series), replace=run.has_series
    )
    run.has_series = True
    await repository.replace_efforts(session, run, recording.efforts)


def _add_source(context: Context, run: Run, recording: Recording) -> RunSource:
    return repository.add_source(
        context.session,
        run,
        source=recording.source,
        source_id=recording.source_id,
        filename=recording.filename,
        added_at=context.now,
    )


async def _touch(context: Context, run: Run, fields: list[str]) -> None:
    """Re-render the run's listing and tell subscribers what changed."""
    session = context.session
    run.updated_at = context.now
    await session.flush()
    run.listing_json = listing.render_listing(run, await repository.sources_of(session, run.id))
    publish(
        session, RunUpdated(run_id=run.id, runner_id=run.runner_id, fields=fields), run.runner_id
    )


async def _known(context: Context, runner_id: str, source: str, source_id: str) -> RunSource | None:
    return await repository.find_source(context.session, runner_id, source, source_id)


async def _run_of(context: Context, source: RunSource) -> Run:
    run = await repository.get_run(context.session, source.run_id)
    assert run is not None  # the source row's foreign key cascades with its run
    return run


# ---------------------------------------------------------------- reading


async def owned_run(context: Context, runner: Runner, run_id: str) -> Run:
    """The runner's run, or 404 (another runner's run is answered as if it did not exist)."""
    return await run_of_runner(context, runner.id, run_id)


async def all_runs(context: Context, runner_id: str) -> Sequence[Run]:
    """Every run of the runner, oldest first (their data export)."""
    return await repository.runs_of_runner(context.session, runner_id)


async def run_of_runner(context: Context, runner_id: str, run_id: str) -> Run:
    """The run if it is ``runner_id``'s; 404 otherwise."""
    run = await repository.get_run(context.session, run_id)
    # The same answer for "missing" and "someone else's", so ids cannot be probed.
    if run is None or run.runner_id != runner_id:
        raise NotFound("No such run.", code="run_not_found")
    return run


async def series_or_none(context: Context, run: Run) -> Series | None:
    """The run's full time series, if it has one."""
    stored = await repository.series_of(context.session, run.id)
    return None if stored is None else unpack_series(stored.data)


async def detail(context: Context, run: Run) -> RunDetail:
    """The run with everything known of it."""
    session = context.session
    sources = await repository.sources_of(session, run.id)
    efforts = await repository.efforts_of(session, run.id)
    return listing.detail_of(run, sources, efforts)


async def series(context: Context, run: Run) -> Series:
    """The run's full time series; 404 when it has none."""
    found = await series_or_none(context, run)
    if found is None:
        raise NotFound("This run has no recorded time series.", code="no_series")
    return found


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
    rows = await repository.page_of_runs(
        context.session,
        runner_id,
        limit=limit + 1,
        before_key=pagination.decode_cursor(cursor) if cursor else None,
        started_after=started_after,
        started_before=started_before,
    )
    return pagination.page_of(rows, limit)


async def last_listings_body(db: Database, runner_id: str, limit: int) -> bytes:
    """``{"runs": [...]}`` of the runner's latest runs, assembled from the stored listings."""
    return listing.last_listings_body(await repository.last_listings(db, runner_id, limit))


async def last_listings(context: Context, runner_id: str, limit: int) -> list[str]:
    """The serialised listings of the runner's latest runs, newest first, in the context's read."""
    return await repository.last_listings_in(context.session, runner_id, limit)


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
    """Delete the run and everything recorded of it."""
    await repository.delete_run(context.session, run)
    publish(context.session, RunDeleted(run_id=run.id, runner_id=run.runner_id), run.runner_id)


async def forget_recording(context: Context, runner_id: str, source: str, source_id: str) -> None:
    """The source no longer has this recording: detach it (a no-op when it is unknown)."""
    await repository.lock_runner(context.session, runner_id)
    known = await _known(context, runner_id, source, source_id)
    if known is not None:
        await _detach(context, await _run_of(context, known), known)


async def forget_source(context: Context, runner_id: str, source: str) -> None:
    """Every recording of one source goes; runs also recorded elsewhere stay."""
    session = context.session
    await repository.lock_runner(session, runner_id)
    for known in await repository.runs_with_source(session, runner_id, source):
        run = await repository.get_run(session, known.run_id)
        if run is not None:
            await _detach(context, run, known)


async def _detach(context: Context, run: Run, source: RunSource) -> None:
    """Forget one recording of a run; the run goes with its last recording."""
    if await repository.delete_source(context.session, source) == 0:
        await remove(context, run)
    else:
        await _touch(context, run, ["sources"])


async def forget_runner(session: AsyncSession, runner_id: str) -> int:
    """Every run of the runner, with all that was recorded of them; how many runs went."""
    return await repository.delete_runner(session, runner_id)
