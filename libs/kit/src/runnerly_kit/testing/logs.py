"""Seeing what a service logs, from inside a test."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from runnerly_kit.logs import add_tap, remove_tap


@contextmanager
def captured_logs() -> Iterator[list[dict[str, Any]]]:
    """Every record our loggers emit inside the block, as the dicts they are rendered from."""
    records: list[dict[str, Any]] = []
    add_tap(records.append)
    try:
        yield records
    finally:
        remove_tap(records.append)
