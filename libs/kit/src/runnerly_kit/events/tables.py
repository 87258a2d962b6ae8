"""The kit's own tables, which live in every service's database: the outbox and applied events.

A service puts them in its MetaData (so Alembic autogenerate leaves them alone)
with :func:`include_kit_tables`, and creates them in its first migration::

    from runnerly_kit.events import create_kit_tables, drop_kit_tables

    def upgrade() -> None:
        create_kit_tables(op)

    def downgrade() -> None:
        drop_kit_tables(op)

Constraint names are spelled out rather than left to a naming convention,
because Alembic's ``op.create_table`` does not see the service's convention.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.orm import Mapped
from sqlalchemy.schema import SchemaItem

from runnerly_kit.db import Base

OUTBOX_TABLE = "outbox"
APPLIED_EVENTS_TABLE = "applied_events"


def _outbox_schema() -> list[SchemaItem]:
    pending = text("published_at IS NULL")
    return [
        # SQLite only auto-increments an INTEGER PRIMARY KEY, so BIGINT there is INTEGER.
        Column("seq", BigInteger().with_variant(Integer, "sqlite"), autoincrement=True),
        Column("id", Uuid(), nullable=False),
        Column("type", String(200), nullable=False),
        Column("subject", String(200), nullable=True),
        # The envelope's exact JSON, so the relay publishes what was committed.
        Column("envelope", Text(), nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("published_at", DateTime(timezone=True), nullable=True),
        PrimaryKeyConstraint("seq", name="pk_outbox"),
        UniqueConstraint("id", name="uq_outbox_id"),
        # The relay's query: unpublished rows in order. A partial index stays small.
        Index("ix_outbox_pending", "seq", postgresql_where=pending, sqlite_where=pending),
        Index("ix_outbox_published_at", "published_at"),
    ]


def _applied_events_schema() -> list[SchemaItem]:
    return [
        Column("consumer", String(200), nullable=False),
        Column("event_id", Uuid(), nullable=False),
        Column("applied_at", DateTime(timezone=True), nullable=False),
        PrimaryKeyConstraint("consumer", "event_id", name="pk_applied_events"),
        Index("ix_applied_events_applied_at", "applied_at"),
    ]


_SCHEMAS: dict[str, Callable[[], list[SchemaItem]]] = {
    OUTBOX_TABLE: _outbox_schema,
    APPLIED_EVENTS_TABLE: _applied_events_schema,
}

outbox_table = Table(OUTBOX_TABLE, Base.metadata, *_outbox_schema())
applied_events_table = Table(APPLIED_EVENTS_TABLE, Base.metadata, *_applied_events_schema())


class OutboxMessage(Base):
    """One event waiting to be (or already) published; written with the change that caused it."""

    __table__ = outbox_table

    seq: Mapped[int]
    id: Mapped[uuid.UUID]
    type: Mapped[str]
    subject: Mapped[str | None]
    envelope: Mapped[str]
    created_at: Mapped[datetime]
    published_at: Mapped[datetime | None]


def include_kit_tables(metadata: MetaData) -> None:
    """Add the outbox and applied-events tables to a service's MetaData (idempotent)."""
    for name, schema in _SCHEMAS.items():
        if name not in metadata.tables:
            Table(name, metadata, *schema())


def create_kit_tables(op: Any) -> None:
    """Create the kit's tables from an Alembic revision's ``upgrade()`` (pass ``alembic.op``)."""
    for name, schema in _SCHEMAS.items():
        op.create_table(name, *schema())


def drop_kit_tables(op: Any) -> None:
    """Drop the kit's tables from an Alembic revision's ``downgrade()``."""
    for name in reversed(_SCHEMAS):
        op.drop_table(name)
