"""Databases: SQLite set up for a server, write transactions that queue, PostgreSQL from a URL."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.pool import QueuePool

from runnerly_kit.db import SQLITE_BUSY_TIMEOUT_MS, Database
from runnerly_kit.errors import Conflict
from runnerly_kit.testing.plugin import TestDatabase
from runnerly_kit.testing.ports import free_port

COUNTER_DDL = "CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)"


@pytest.fixture
async def sqlite_db(tmp_path: Path) -> AsyncIterator[Database]:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'nested' / 'service.db'}")
    async with db.transaction() as session:
        await session.execute(text(COUNTER_DDL))
        await session.execute(text("INSERT INTO counter (id, n) VALUES (1, 0)"))
    yield db
    await db.dispose()


@pytest.fixture
async def database(test_database: TestDatabase) -> AsyncIterator[Database]:
    """A Database on SQLite, then on PostgreSQL, with the counter table."""
    db = test_database.open()
    async with db.transaction() as session:
        await session.execute(text(COUNTER_DDL))
        await session.execute(text("INSERT INTO counter (id, n) VALUES (1, 0)"))
    yield db
    await db.dispose()


async def read_counter(db: Database) -> int:
    async with db.transaction(write=False) as session:
        n: int = (await session.execute(text("SELECT n FROM counter WHERE id = 1"))).scalar_one()
        return n


async def update_then_raise(db: Database, n: int, error: Exception) -> None:
    """Set the counter to ``n`` inside a transaction, then fail with ``error``."""
    async with db.transaction() as session:
        await session.execute(text("UPDATE counter SET n = :n WHERE id = 1"), {"n": n})
        raise error


async def test_sqlite_connections_get_the_server_pragmas(sqlite_db: Database) -> None:
    """Every SQLite connection runs with WAL, foreign keys on and a busy timeout."""
    async with sqlite_db.transaction() as session:
        pragmas = {
            name: (await session.execute(text(f"PRAGMA {name}"))).scalar_one()
            for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
        }

    assert pragmas == {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "busy_timeout": SQLITE_BUSY_TIMEOUT_MS,
        "synchronous": 1,  # NORMAL: safe with WAL, far fewer fsyncs
    }


async def test_sqlite_database_folder_is_created(tmp_path: Path, sqlite_db: Database) -> None:
    """The database's folder is made on first use, private to the service's user."""
    folder = tmp_path / "nested"
    assert (folder / "service.db").exists()
    assert folder.stat().st_mode & 0o777 == 0o700


async def test_sqlite_enforces_foreign_keys(sqlite_db: Database) -> None:
    """A row pointing at a missing parent is refused (SQLite ignores FKs unless told)."""
    async with sqlite_db.transaction() as session:
        await session.execute(
            text("CREATE TABLE child (id INTEGER PRIMARY KEY, parent INTEGER REFERENCES counter)")
        )

    with pytest.raises(IntegrityError, match="FOREIGN KEY"):
        async with sqlite_db.transaction() as session:
            await session.execute(text("INSERT INTO child (id, parent) VALUES (1, 99)"))


async def test_a_write_transaction_takes_the_write_lock_at_begin(
    tmp_path: Path, sqlite_db: Database
) -> None:
    """A write transaction is BEGIN IMMEDIATE: it holds the write lock before its first write."""
    async with sqlite_db.transaction(write=True) as session:
        await session.execute(text("SELECT n FROM counter"))
        other = sqlite3.connect(tmp_path / "nested" / "service.db", timeout=0, isolation_level=None)
        try:
            with pytest.raises(sqlite3.OperationalError, match="database is locked"):
                other.execute("BEGIN IMMEDIATE")
        finally:
            other.close()


async def test_a_read_transaction_does_not_take_the_write_lock(
    tmp_path: Path, sqlite_db: Database
) -> None:
    """A read-only transaction stays deferred, so it never makes writers wait."""
    async with sqlite_db.transaction(write=False) as session:
        await session.execute(text("SELECT n FROM counter"))
        other = sqlite3.connect(tmp_path / "nested" / "service.db", timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("UPDATE counter SET n = 5")
            other.execute("COMMIT")
        finally:
            other.close()


async def increment(db: Database, *, write: bool, both_read: asyncio.Barrier | None = None) -> None:
    """Read the counter, then write it back plus one: the classic lost-update shape."""
    async with db.transaction(write=write) as session:
        n = (await session.execute(text("SELECT n FROM counter WHERE id = 1"))).scalar_one()
        if both_read is not None:
            await both_read.wait()
        # Leave room for the other transaction to start while this one is open.
        await asyncio.sleep(0.02)
        await session.execute(text("UPDATE counter SET n = :n WHERE id = 1"), {"n": n + 1})


async def test_concurrent_read_then_write_transactions_both_succeed(
    sqlite_db: Database,
) -> None:
    """Two concurrent read-then-write transactions on SQLite both commit: one waits, none is lost.

    The second waits at BEGIN IMMEDIATE (within the busy timeout) instead of
    failing with "database is locked", and reads the first one's result.
    """
    results = await asyncio.gather(
        increment(sqlite_db, write=True), increment(sqlite_db, write=True), return_exceptions=True
    )

    assert list(results) == [None, None]
    assert await read_counter(sqlite_db) == 2


async def test_deferred_read_then_write_would_fail(sqlite_db: Database) -> None:
    """The failure BEGIN IMMEDIATE prevents: two deferred read-then-write transactions collide.

    This pins down why write sessions must not be deferred: once both have read,
    the second writer fails at once with "database is locked", busy timeout or not.
    """
    both_read = asyncio.Barrier(2)
    results = await asyncio.gather(
        increment(sqlite_db, write=False, both_read=both_read),
        increment(sqlite_db, write=False, both_read=both_read),
        return_exceptions=True,
    )

    failures = [r for r in results if isinstance(r, BaseException)]
    assert len(failures) == 1
    assert isinstance(failures[0], OperationalError)
    assert "database is locked" in str(failures[0])


async def test_readers_do_not_wait_for_an_open_writer(sqlite_db: Database) -> None:
    """With WAL a reader reads the last committed state while a writer is mid-transaction."""
    writer_has_written = asyncio.Event()
    reader_done = asyncio.Event()

    async def writer() -> None:
        async with sqlite_db.transaction() as session:
            await session.execute(text("UPDATE counter SET n = 41 WHERE id = 1"))
            writer_has_written.set()
            await reader_done.wait()

    async def reader() -> int:
        await writer_has_written.wait()
        try:
            return await read_counter(sqlite_db)
        finally:
            reader_done.set()

    _, seen = await asyncio.wait_for(asyncio.gather(writer(), reader()), timeout=10)

    assert seen == 0
    assert await read_counter(sqlite_db) == 41


async def test_transaction_commits_on_success(database: Database) -> None:
    """Leaving the block normally commits; another connection sees the change."""
    async with database.transaction() as session:
        await session.execute(text("UPDATE counter SET n = 7 WHERE id = 1"))

    assert await read_counter(database) == 7


async def test_transaction_rolls_back_on_error(database: Database) -> None:
    """An exception inside the block undoes every change of the transaction."""
    with pytest.raises(ValueError, match="bug"):
        await update_then_raise(database, 7, ValueError("bug"))

    assert await read_counter(database) == 0


async def test_a_service_error_rolls_back_unless_told_to_keep_changes(database: Database) -> None:
    """A RunnerlyError rolls back, unless raised with keep_changes=True (a refusal to keep)."""
    with pytest.raises(Conflict):
        await update_then_raise(database, 3, Conflict("no"))
    assert await read_counter(database) == 0

    with pytest.raises(Conflict):
        await update_then_raise(database, 4, Conflict("no, but keep it", keep_changes=True))
    assert await read_counter(database) == 4


async def test_ping_reaches_the_database(database: Database) -> None:
    """ping() succeeds on a reachable database (readiness uses it)."""
    await database.ping()


async def test_ping_fails_on_an_unreachable_database() -> None:
    """ping() raises when nothing answers at the database's address (readiness reports it)."""
    db = Database(f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/test")
    try:
        with pytest.raises(ConnectionRefusedError):
            await db.ping()
    finally:
        await db.dispose()


async def test_the_backend_follows_the_url(test_database: TestDatabase) -> None:
    """An sqlite+aiosqlite URL gives SQLite; a postgresql+asyncpg URL, asyncpg in its schema."""
    db = test_database.open()
    try:
        if test_database.backend == "postgres":
            async with db.transaction(write=False) as session:
                schema = (await session.execute(text("SELECT current_schema()"))).scalar_one()
            assert (db.is_sqlite, db.engine.dialect.driver) == (False, "asyncpg")
            assert schema == test_database.schema
        else:
            assert (db.is_sqlite, db.engine.dialect.driver) == (True, "aiosqlite")
    finally:
        await db.dispose()


async def test_dispose_closes_every_pooled_connection(database: Database) -> None:
    """After dispose() the pool holds no open connection (graceful shutdown)."""
    await read_counter(database)
    pool = database.engine.pool
    assert isinstance(pool, QueuePool)
    assert pool.checkedin() >= 1

    await database.dispose()

    new_pool = database.engine.pool
    assert isinstance(new_pool, QueuePool)
    assert new_pool.checkedin() == 0
