"""The leak check the kit's plugin runs after every test."""

from __future__ import annotations

import threading

import pytest

from runnerly_kit.testing import leaks


def test_a_thread_left_running_fails_the_test_that_started_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A thread still running after teardown is reported with the test's name and the thread's."""
    monkeypatch.setattr(leaks, "STOP_DEADLINE_SECONDS", 0.01)
    before = frozenset(threading.enumerate())
    release = threading.Event()
    thread = threading.Thread(target=release.wait, name="forgotten-connection")
    thread.start()
    try:
        with pytest.raises(AssertionError, match=r"tests/x\.py::test_y left 1 thread.*forgotten"):
            leaks.assert_no_leaked_threads("tests/x.py::test_y", before)
    finally:
        release.set()
        thread.join()


def test_a_thread_that_is_ending_is_waited_for_not_reported() -> None:
    """A thread told to stop just before teardown ends within the deadline: no failure."""
    before = frozenset(threading.enumerate())
    release = threading.Event()
    thread = threading.Thread(target=release.wait, name="closing-connection")
    thread.start()
    release.set()  # told to stop; it may still be finishing when the check runs

    leaks.assert_no_leaked_threads("tests/x.py::test_y", before)

    assert not thread.is_alive()


def test_threads_of_wider_fixtures_are_not_the_tests_leak(monkeypatch: pytest.MonkeyPatch) -> None:
    """A thread that a module- or session-scoped fixture started outlives the test by design."""
    monkeypatch.setattr(leaks, "STOP_DEADLINE_SECONDS", 0.01)
    before = frozenset(threading.enumerate())
    release = threading.Event()
    thread = threading.Thread(target=release.wait, name="session-server")
    thread.start()
    try:
        leaks.assert_no_leaked_threads("tests/x.py::test_y", before, ignore={thread})
    finally:
        release.set()
        thread.join()
