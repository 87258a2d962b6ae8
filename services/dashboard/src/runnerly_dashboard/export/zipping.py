"""Where each part goes in the zip (pure rules): one folder per service, files under it.

::

    export.json                    who, when, which services
    users/users.json               each service's document as it served it
    runs/runs.json
    runs/files/<name>              the files a service listed
"""

from __future__ import annotations

from pathlib import PurePosixPath

#: A zip entry's name is kept short and plain: some unzip tools choke on long or odd ones.
_MAX_NAME = 200


def document_name(service: str) -> str:
    """The entry of a service's JSON document."""
    return f"{service}/{service}.json"


def file_name(service: str, name: str, taken: set[str]) -> str:
    """The entry of a file a service listed: inside its folder whatever the name says
    (no ``..``, no absolute path), and unique."""
    parts = [
        part
        for part in PurePosixPath(name.replace("\\", "/")).parts
        if part not in ("/", "..", ".")
    ]
    clean = "/".join(part[:_MAX_NAME] for part in parts) or "file"
    entry = f"{service}/files/{clean}"
    stem, dot, suffix = entry.rpartition(".")
    candidate, number = entry, 1
    while candidate in taken:
        number += 1
        candidate = (
            f"{stem}-{number}.{suffix}" if dot and "/" not in suffix else f"{entry}-{number}"
        )
    taken.add(candidate)
    return candidate


def same_service_path(href: str) -> bool:
    """True when ``href`` is a path on the service itself (never another host: the runner's
    token goes with the request)."""
    return href.startswith("/") and not href.startswith("//") and "\\" not in href
