"""Finding the built app (``web/dist``) and the file a path names in it (pure rules)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

INDEX = "index.html"
#: Vite's output folder for content-hashed files: their content never changes under a name.
ASSETS = "assets/"
IMMUTABLE = "public, max-age=31536000, immutable"
#: index.html and the other unhashed files: always revalidated (their ETag makes it cheap).
REVALIDATE = "no-cache"


def candidates(configured: Path | None, package_file: Path, cwd: Path) -> list[Path]:
    """Where the build may be: the configured folder only, else the repository's ``web/dist``
    found above the installed package (a workspace checkout), else under the working folder."""
    if configured is not None:
        return [configured]
    above = [parent / "web" / "dist" for parent in package_file.resolve().parents]
    return [*above, cwd / "web" / "dist"]


def find_build(places: Iterable[Path]) -> Path | None:
    """The first folder holding an ``index.html``."""
    for place in places:
        if (place / INDEX).is_file():
            return place.resolve()
    return None


def file_for(build: Path, path: str) -> Path | None:
    """The file ``path`` names inside ``build``, never outside it (no ``..``, no symlink out)."""
    if not path or path.endswith("/"):
        return None
    target = (build / path).resolve()
    if not target.is_relative_to(build) or not target.is_file():
        return None
    return target


def cache_control(path: str) -> str:
    """A year for hashed assets, revalidation for everything else."""
    return IMMUTABLE if path.startswith(ASSETS) else REVALIDATE
