"""The dashboard's OpenAPI document, committed as ``services/dashboard/openapi.json``.

The web app's TypeScript types are generated from the committed file (the
web build runs ``openapi-typescript`` on it), so it must be the app's own
document: ``python -m runnerly_dashboard.openapi`` writes it, ``--check``
fails when the committed one differs (a test runs the check too).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from runnerly_dashboard.main import create_app
from runnerly_dashboard.settings import DashboardSettings

#: ``services/dashboard/openapi.json`` in a checkout.
COMMITTED = Path(__file__).resolve().parents[2] / "openapi.json"


def document() -> dict[str, Any]:
    """The document the app serves at ``/openapi.json`` (built without serving anything)."""
    return create_app(DashboardSettings()).openapi()


def rendered() -> str:
    """The document as committed: indented, one trailing newline."""
    return json.dumps(document(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the document, or with ``--check`` say whether the committed one is current."""
    parser = argparse.ArgumentParser(prog="python -m runnerly_dashboard.openapi")
    parser.add_argument("--check", action="store_true", help="fail when the file is stale")
    parser.add_argument("--output", type=Path, default=COMMITTED)
    args = parser.parse_args(argv)
    text = rendered()
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            sys.stderr.write(f"{args.output} is stale: run python -m runnerly_dashboard.openapi\n")
            return 1
        return 0
    args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
