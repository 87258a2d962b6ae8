"""The kit's pytest plugin, loaded in every service's tests through the ``pytest11`` entry point.

Fixtures:

- ``nats_server``: one real NATS server with JetStream for the whole session.
- ``own_nats_server``: a NATS server for one test, which the test may stop and restart.
- ``test_database``: a fresh database per test, on SQLite and (where configured) PostgreSQL.

And a check after every test: a test that leaves a thread running (an open
database connection, a server) fails at its own teardown (:mod:`.leaks`).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import AsyncIterator, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from runnerly_kit.db import Database
from runnerly_kit.testing.databases import create_schema, drop_schema, postgres_url
from runnerly_kit.testing.leaks import assert_no_leaked_threads
from runnerly_kit.testing.nats import NatsServer


@dataclass(frozen=True)
class TestDatabase:
    """Where one test's database lives; hand ``url`` and ``schema`` to a service's settings."""

    __test__ = False  # not a test class, despite the name

    backend: str
    url: str
    schema: str = ""

    def open(self) -> Database:
        """A :class:`Database` on it (the caller disposes of it)."""
        return Database(self.url, schema=self.schema or None)

    def settings_env(self, prefix: str) -> dict[str, str]:
        """The environment variables that point a service at this database."""
        return {f"{prefix}DATABASE_URL": self.url, f"{prefix}DATABASE_SCHEMA": self.schema}


@pytest.fixture(scope="session")
def nats_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NatsServer]:
    """A real NATS server with JetStream, shared by the session's tests."""
    server = NatsServer(store_dir=tmp_path_factory.mktemp("nats"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def own_nats_server(tmp_path: Path) -> Iterator[NatsServer]:
    """A NATS server for one test alone: stop it to simulate a broker outage."""
    server = NatsServer(store_dir=tmp_path / "nats")
    server.start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def test_database(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[TestDatabase]:
    """A fresh, empty database: an SQLite file, then a PostgreSQL schema where configured."""
    if request.param == "sqlite":
        yield TestDatabase("sqlite", f"sqlite+aiosqlite:///{tmp_path / 'test.db'}")
        return
    url = postgres_url()
    if url is None:
        pytest.skip("PostgreSQL not configured (set RUNNERLY_TEST_POSTGRES_URL, or CI=true)")
    schema = await create_schema(url)
    try:
        yield TestDatabase("postgres", url, schema)
    finally:
        await drop_schema(url, schema)


# ------------------------------------------------------------------ leaks
# A leaked connection or server must fail the test that leaked it, at its own
# teardown, not whichever later test the garbage collector happens to run in.

_THREADS_BEFORE = pytest.StashKey[frozenset[threading.Thread]]()
_wider_scope_threads: weakref.WeakSet[threading.Thread] = weakref.WeakSet()


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(
    fixturedef: pytest.FixtureDef[object],
) -> Generator[None, object, object]:
    """Remember the threads a module- or session-scoped fixture starts: they outlive the test."""
    if fixturedef.scope == "function":
        return (yield)
    before = set(threading.enumerate())
    try:
        return (yield)
    finally:
        _wider_scope_threads.update(set(threading.enumerate()) - before)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, None, None]:
    """Note the threads running before the test and its fixtures start."""
    item.stash[_THREADS_BEFORE] = frozenset(threading.enumerate())
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, None, None]:
    """After the test's fixtures are torn down, fail it if it left a thread running."""
    result = yield
    before = item.stash.get(_THREADS_BEFORE, None)
    if before is not None:
        assert_no_leaked_threads(item.nodeid, before, ignore=set(_wider_scope_threads))
    return result
