"""Is a service's SQLite database already at its newest migration? Answered without Alembic.

``runnerly up`` asks before starting a service: one that is up to date starts at
once, and when all are, no migration process runs at all (importing SQLAlchemy
and Alembic costs seconds of CPU). Anything this cannot read for sure (another
database, an unusual migration file) counts as "needs migrating": Alembic decides.
"""

from __future__ import annotations

import ast
import sqlite3
from collections.abc import Mapping
from pathlib import Path

from runnerly_launcher.config import LauncherConfig, ServiceEndpoint
from runnerly_launcher.environment import database_url

_SQLITE_PREFIX = "sqlite+aiosqlite:///"


def needs_migrating(
    endpoint: ServiceEndpoint, config: LauncherConfig, environ: Mapping[str, str]
) -> bool:
    """False only when the service has no database, or its SQLite file is at every head."""
    directory = endpoint.manifest.migrations_dir
    if directory is None:
        return False
    url = database_url(endpoint, config, environ)
    if not url.startswith(_SQLITE_PREFIX) or "?" in url:
        return True
    path = Path(url.removeprefix(_SQLITE_PREFIX))
    heads = _heads(directory / "versions")
    current = _current(path) if path.is_file() else None
    return heads is None or current is None or current != heads


def _heads(versions: Path) -> frozenset[str] | None:
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in versions.glob("*.py"):
        if script.name.startswith("__"):
            continue
        found = _revision_of(script)
        if found is None:
            return None
        revision, down = found
        revisions.add(revision)
        parents.update(down)
    return frozenset(revisions - parents) if revisions else None


def _revision_of(script: Path) -> tuple[str, tuple[str, ...]] | None:
    """``revision`` and ``down_revision`` of a migration script, read as literals."""
    values = _assignments(script, {"revision", "down_revision"})
    if values is None:
        return None
    revision, down = values.get("revision"), values.get("down_revision")
    if not isinstance(revision, str):
        return None
    parents = (down,) if isinstance(down, str) else down or ()
    if isinstance(parents, tuple | list) and all(isinstance(d, str) for d in parents):
        return revision, tuple(parents)
    return None


def _assignments(script: Path, names: set[str]) -> dict[str, object] | None:
    """The literal values a module assigns to ``names`` at its top level."""
    try:
        tree = ast.parse(script.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return None
    values: dict[str, object] = {}
    for node in tree.body:
        target, value = None, None
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            target, value = node.target.id, node.value
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            name = node.targets[0]
            target, value = (name.id if isinstance(name, ast.Name) else None), node.value
        if target in names and value is not None:
            try:
                values[target] = ast.literal_eval(value)
            except ValueError:
                return None
    return values


def _current(path: Path) -> frozenset[str] | None:
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        rows = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.Error:
        return None
    finally:
        connection.close()
    return frozenset(str(row[0]) for row in rows)
