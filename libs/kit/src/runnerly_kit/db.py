"""Databases: SQLAlchemy 2 async engines and the session that a request owns.

SQLite (the embedded default) gets the pragmas a server needs: WAL so readers
never wait for the writer, foreign keys on, and a busy timeout. Write
transactions start with ``BEGIN IMMEDIATE``: a deferred SQLite transaction
that reads and then writes fails at once with ``SQLITE_BUSY`` when another
connection committed in between, whatever the busy timeout; taking the write
lock up front makes concurrent writers queue instead. Read-only sessions keep
the deferred ``BEGIN`` so readers never queue behind writers.

PostgreSQL is used through asyncpg, from a ``postgresql+asyncpg://`` URL.

:meth:`Database.quick_read` serves the hottest short reads (a runner's last
runs): on SQLite it runs them on the event loop's own thread, since handing a
20 µs indexed query to aiosqlite's thread and back costs far more than the
query itself (bench/RESULTS.md, "last 10 runs").
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Executable, MetaData, event, text
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine import Connection, Dialect, ExceptionContext, make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, Session
from sqlalchemy.util import await_

from runnerly_kit.errors import RunnerlyError, ServiceUnavailable

SQLITE_BUSY_TIMEOUT_MS = 15_000
#: How often readiness re-reads every page of an SQLite file when no query met a corrupt one.
QUICK_CHECK_INTERVAL_SECONDS = 60.0
# SQLITE_CORRUPT and SQLITE_NOTADB (primary result codes).
_SQLITE_CORRUPTION_CODES = frozenset({11, 26})
# The tables of the database (the service's schema on PostgreSQL), by "is SQLite".
_TABLES = {
    True: text("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"),
    False: text(
        "SELECT table_name FROM information_schema.tables"
        " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        " ORDER BY table_name"
    ),
}
_BEGIN_MODE = "runnerly_sqlite_begin"
_HOLDS_WRITER = "runnerly_holds_writer"

# One naming convention for every service, so Alembic autogenerate names
# constraints the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_metadata() -> MetaData:
    """A MetaData with the project's constraint naming convention."""
    return MetaData(naming_convention=NAMING_CONVENTION)


class Base(DeclarativeBase):
    """Declarative base for the kit's own tables (outbox, applied events).

    A service declares its models on its own base built with :func:`new_metadata`
    and includes the kit's tables with :func:`runnerly_kit.events.tables.include_kit_tables`.
    """

    metadata = new_metadata()


class DatabaseCorrupt(Exception):  # the name is the kit's API
    """The database file has pages that cannot be read."""


class Database:
    """One engine and its session factories. Creating it does no I/O."""

    def __init__(self, url: str, *, echo: bool = False, schema: str | None = None) -> None:
        self.url = make_url(url)
        self.schema = schema
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        self.engine: AsyncEngine = create_async_engine(
            self.url, echo=echo, **_engine_options(self.is_sqlite, schema)
        )
        self._writer = asyncio.Lock()
        # For ping(): when SQLite's full page check last ran, and whether a query since met a
        # corrupt page.
        self._checked_at: float | None = None
        self._corruption_seen = False
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "handle_error", self._note_corruption)
            _prepare_sqlite(self.engine, self.url.database, self._await_writer_turn, self._writer)
        # Sessions begin lazily, at their first statement: a request refused
        # before it touches the database (or one that never needs it, like a
        # client_credentials grant) costs no transaction at all.
        self._inline_reader = _inline_reader(self.url.database) if self.is_sqlite else None
        writer = self.engine.execution_options(**{_BEGIN_MODE: "IMMEDIATE"})
        self._write_sessions = async_sessionmaker(writer, expire_on_commit=False)
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)

    @asynccontextmanager
    async def transaction(self, *, write: bool = True) -> AsyncIterator[AsyncSession]:
        """A session inside one transaction: committed on success, rolled back on error.

        The transaction begins at the session's first statement. A
        :class:`RunnerlyError` raised with ``keep_changes=True`` commits first.
        """
        maker = self._write_sessions if write else self.sessionmaker
        async with maker() as session:
            try:
                yield session
                await _end(session, commit=True)
            except RunnerlyError as error:
                await _end(session, commit=error.keep_changes)
                raise
            except BaseException:
                await _end(session, commit=False)
                raise
            finally:
                if session.info.pop(_HOLDS_WRITER, False):
                    self._writer.release()

    def _await_writer_turn(self) -> None:
        # SQLite has one writer at a time. Writers of this process queue here,
        # on an asyncio lock, instead of inside SQLite's busy handler, which
        # polls with sleeps of up to 100 ms and turned a burst of writers into
        # a p99 of over a second (bench/RESULTS.md). Other processes on the
        # same file still meet the busy timeout. Called from SQLAlchemy's
        # synchronous "begin" hook, inside the greenlet of an async call,
        # where await_ may wait on the event loop.
        await_(self._take_writer_turn())

    async def _take_writer_turn(self) -> None:
        # asyncio.timeout, not wait_for: on Python 3.11, wait_for returns the
        # lock to a task cancelled just as the lock came free, swallowing the
        # cancellation; a worker that missed it never let its service stop and
        # leaked its connection (the CI failures of issue 8).
        try:
            async with asyncio.timeout(SQLITE_BUSY_TIMEOUT_MS / 1000):
                await self._writer.acquire()
        except TimeoutError:
            raise ServiceUnavailable("The database is busy; try again.") from None

    async def quick_read(self, query: QuickRead, **params: Any) -> list[tuple[Any, ...]]:
        """The rows of one short read-only query, outside any session.

        On SQLite the query runs right here, on the event loop's thread,
        through a read-only connection of its own (``PRAGMA query_only``): an
        indexed query of a few rows takes some 20 µs, while aiosqlite's worker
        thread costs a hand-off of the GIL per call, several calls per
        transaction, ~700 µs in all (bench/RESULTS.md). WAL mode means a
        reader never waits for the writer. Use it only for reads that are fast
        by construction (an index seek and a small LIMIT), never for scans,
        which would stall every other request of the process. On PostgreSQL
        it is an ordinary asynchronous read.
        """
        if self._inline_reader is None:
            async with self.engine.connect() as connection:
                result = await connection.execute(query.statement, params)
                return [tuple(row) for row in result]
        sql, arguments = query.arguments(_SQLITE_DIALECT, params)
        return self._inline_reader.rows(sql, arguments)

    async def ping(self) -> None:
        """Raise unless the database answers a query that reads its tables' pages.

        Every probe reads the schema and the first row of each table. On
        SQLite, ``PRAGMA quick_check`` (which reads every page, about 2 ms per
        MB) runs too, at the first probe, then at most every
        :data:`QUICK_CHECK_INTERVAL_SECONDS`, and at the next probe after any
        query met a corrupt page: a file whose pages a request cannot read
        makes the service unready, not just that request fail.
        """
        async with self.engine.connect() as connection:
            if self.is_sqlite:
                await self._quick_check_when_due(connection)
            tables = (await connection.execute(_TABLES[self.is_sqlite])).scalars().all()
            if tables:
                quote = self.engine.dialect.identifier_preparer.quote
                # Names from the catalog, quoted: nothing a caller chose.
                reads = ", ".join(f"(SELECT 1 FROM {quote(name)} LIMIT 1)" for name in tables)  # noqa: S608
                await connection.execute(text(f"SELECT {reads}"))

    async def _quick_check_when_due(self, connection: AsyncConnection) -> None:
        now = time.monotonic()
        if not (
            self._corruption_seen
            or self._checked_at is None
            or now - self._checked_at >= QUICK_CHECK_INTERVAL_SECONDS
        ):
            return
        self._corruption_seen = False
        verdict = (await connection.execute(text("PRAGMA quick_check(1)"))).scalar()
        self._checked_at = now
        if verdict != "ok":
            self._corruption_seen = True  # checked again at the next probe, until it passes
            raise DatabaseCorrupt("SQLite quick_check: " + " ".join(str(verdict).split()))

    def _note_corruption(self, context: ExceptionContext) -> None:
        error = context.original_exception
        code = getattr(error, "sqlite_errorcode", None)
        if isinstance(code, int) and code & 0xFF in _SQLITE_CORRUPTION_CODES:
            self._corruption_seen = True

    async def dispose(self) -> None:
        """Close every pooled connection."""
        if self._inline_reader is not None:
            self._inline_reader.close()
        await self.engine.dispose()


async def _end(session: AsyncSession, *, commit: bool) -> None:
    # A session that never ran a statement has no transaction to end; skipping
    # the call saves a greenlet round trip on requests that never touched the
    # database (bench/RESULTS.md).
    if not (session.in_transaction() or session.new or session.dirty or session.deleted):
        return
    await (session.commit() if commit else session.rollback())


def _engine_options(is_sqlite: bool, schema: str | None) -> dict[str, Any]:
    if is_sqlite:
        return {"connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}}
    options: dict[str, Any] = {"pool_size": 10, "max_overflow": 10, "pool_pre_ping": True}
    if schema:
        # Tests give each database test its own PostgreSQL schema.
        options["connect_args"] = {"server_settings": {"search_path": schema}}
    return options


class QuickRead:
    """A read query for :meth:`Database.quick_read`, compiled once per database dialect.

    Build it once, at import, with named :func:`~sqlalchemy.bindparam` values::

        LAST_RUNS = QuickRead(select(Run.listing_json).where(Run.runner_id == bindparam("runner")))
        rows = await db.quick_read(LAST_RUNS, runner=runner_id)
    """

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        self._compiled: dict[str, tuple[str, tuple[str, ...], dict[str, Any]]] = {}

    def arguments(self, dialect: Dialect, params: dict[str, Any]) -> tuple[str, list[Any]]:
        """The SQL text for ``dialect``'s driver and its positional arguments, from ``params``."""
        name = dialect.name
        if name not in self._compiled:
            compiled = self.statement.compile(dialect=dialect)  # type: ignore[attr-defined]
            # Values the compiler added itself (SQLite's "OFFSET ?" after a LIMIT) keep theirs.
            self._compiled[name] = (str(compiled), tuple(compiled.positiontup), compiled.params)
        sql, names, defaults = self._compiled[name]
        return sql, [params[n] if n in params else defaults[n] for n in names]


_SQLITE_DIALECT = SQLiteDialect_pysqlite()


class _InlineReader:
    """Read-only connections to an SQLite file, one per thread, for :meth:`Database.quick_read`.

    Plain ``sqlite3`` connections, without a pool: checking a connection out
    of SQLAlchemy's pool and resetting it on return cost as much as the query.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._local = threading.local()
        self._opened: list[sqlite3.Connection] = []

    def rows(self, sql: str, arguments: list[Any]) -> list[tuple[Any, ...]]:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._open()
        rows: list[tuple[Any, ...]] = connection.execute(sql, arguments).fetchall()
        return rows

    def _open(self) -> sqlite3.Connection:
        # check_same_thread=False only so that close() may run on another
        # thread; each connection is used by the thread that opened it.
        connection = sqlite3.connect(self._path, check_same_thread=False, isolation_level=None)
        connection.execute("PRAGMA query_only=ON")
        connection.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        self._local.connection = connection
        self._opened.append(connection)
        return connection

    def close(self) -> None:
        for connection in self._opened:
            connection.close()
        self._opened.clear()
        self._local = threading.local()


def _inline_reader(database: str | None) -> _InlineReader | None:
    if not database or database == ":memory:":
        return None  # an in-memory database is private to its one async connection
    return _InlineReader(Path(database))


def _prepare_sqlite(
    engine: AsyncEngine,
    database: str | None,
    await_writer_turn: Callable[[], None],
    writer: asyncio.Lock,
) -> None:
    path = Path(database) if database and database != ":memory:" else None
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to SQLAlchemy's "begin" event below instead of
        # the driver's implicit BEGIN, so write transactions can be IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in (
            "PRAGMA journal_mode=WAL",
            "PRAGMA foreign_keys=ON",
            f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}",
            "PRAGMA synchronous=NORMAL",
        ):
            cursor.execute(pragma)
        cursor.close()
        if path is not None:
            # SQLite creates its file 0644; a service's data (the token
            # dealer's keys among it) is for its own user only. The -wal and
            # -shm files SQLite creates later take this file's mode.
            path.chmod(0o600)

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        mode = connection.get_execution_options().get(_BEGIN_MODE, "DEFERRED")
        if mode != "IMMEDIATE":
            connection.exec_driver_sql("BEGIN")
            return
        await_writer_turn()
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            writer.release()  # no transaction began, so nobody else will give it back
            raise
        connection.info[_HOLDS_WRITER] = True


@event.listens_for(Session, "after_begin")
def _note_writer_turn(session: Session, _transaction: Any, connection: Connection) -> None:
    # The writer's turn was taken on the connection; the session that owns the
    # transaction gives it back when the transaction ends (Database.transaction).
    if connection.info.pop(_HOLDS_WRITER, False):
        session.info[_HOLDS_WRITER] = True
