"""Helpers of the events tests: test event types, an effects table, and looks at the broker."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import ClassVar

import nats
from nats.aio.client import Client
from prometheus_client import CollectorRegistry
from sqlalchemy import Column, Integer, MetaData, String, Table, Uuid, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from runnerly_kit.db import Database, new_metadata
from runnerly_kit.events import EVENTS_STREAM, EventData, EventType, include_kit_tables
from runnerly_kit.events.tables import outbox_table

METADATA: MetaData = new_metadata()
include_kit_tables(METADATA)

#: What test handlers do: one row per time an event took effect.
effects = Table(
    "effects",
    METADATA,
    Column("n", Integer, primary_key=True, autoincrement=True),
    Column("event_id", Uuid, nullable=False),
    Column("worker", String(20), nullable=False),
    Column("request_id", String(100), nullable=True),
)


class RunCreated(EventData):
    event_type: ClassVar[EventType] = EventType("runs.run.created.v1")
    run_id: str
    distance_m: int


class UserDeleted(EventData):
    event_type: ClassVar[EventType] = EventType("users.user.deleted.v1")
    user_id: str


async def create_tables(database: Database) -> None:
    """The kit's tables and the effects table, as a service's first migration would make them."""
    async with database.engine.begin() as connection:
        await connection.run_sync(METADATA.create_all)


async def record_effect(
    session: AsyncSession, event_id: uuid.UUID, worker: str, request_id: str | None = None
) -> None:
    """Insert one effect row in the handler's session."""
    await session.execute(
        insert(effects).values(event_id=event_id, worker=worker, request_id=request_id)
    )


async def effect_rows(database: Database) -> list[tuple[uuid.UUID, str, str | None]]:
    """Every effect recorded so far."""
    async with database.transaction(write=False) as session:
        rows = await session.execute(
            select(effects.c.event_id, effects.c.worker, effects.c.request_id).order_by(effects.c.n)
        )
        return [(row.event_id, row.worker, row.request_id) for row in rows]


async def unpublished(database: Database) -> int:
    """Outbox rows not yet marked published."""
    async with database.transaction(write=False) as session:
        count = await session.scalar(
            select(func.count())
            .select_from(outbox_table)
            .where(outbox_table.c.published_at.is_(None))
        )
    return int(count or 0)


async def inspector(url: str) -> Client:
    """A plain NATS client for looking at streams; it reconnects through outages."""
    return await nats.connect(url, reconnect_time_wait=0.1, max_reconnect_attempts=-1)


async def stream_messages(client: Client, stream: str = EVENTS_STREAM) -> int:
    """How many messages a stream holds."""
    info = await client.jetstream().stream_info(stream)
    return info.state.messages


def sample(registry: CollectorRegistry, name: str, **labels: str) -> float:
    """A metric's value (0 when never touched)."""
    return registry.get_sample_value(name, labels) or 0.0


def total(registry: CollectorRegistry, name: str) -> float:
    """A counter's value summed over its labels."""
    return sum(s.value for metric in registry.collect() for s in metric.samples if s.name == name)


async def eventually(
    check: Callable[[], Awaitable[bool]], *, within: float = 15.0, what: str = "condition"
) -> None:
    """Wait until ``check`` holds; fail if it never does (a hang guard, not a timing claim)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not await check():
        if loop.time() > deadline:
            raise AssertionError(f"{what} never held")
        await asyncio.sleep(0.02)
