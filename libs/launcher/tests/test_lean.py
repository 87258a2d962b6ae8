"""``runnerly up`` runs for hours: what it loads stays small."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

FAKES = Path(__file__).parent / "fakes"

#: Libraries a service needs and the long-running launcher must not carry (tens of MiB).
HEAVY = ("sqlalchemy", "alembic", "pydantic", "pydantic_settings", "fastapi", "httpx")

LOADED = """
import json, sys
from runnerly_launcher import cli, supervisor
from runnerly_launcher.config import discover_services, load_config
config = load_config(discover_services().manifests, {})
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_the_launcher_loads_no_heavy_library_with_every_service_discovered() -> None:
    """Importing ``runnerly up``'s code and reading every installed service's manifest (the
    real ones, when installed, and the fakes) loads none of SQLAlchemy, Alembic, pydantic,
    FastAPI or httpx."""
    env = {**os.environ, "PYTHONPATH": str(FAKES)}
    result = subprocess.run(
        [sys.executable, "-c", LOADED], env=env, capture_output=True, text=True, check=True
    )

    loaded = set(json.loads(result.stdout))
    assert "runnerly_launcher" in loaded
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))
