"""The ``runnerly`` command: ``up``, ``status`` and ``migrate``.

Services are the ones installed in the ``runnerly.services`` entry-point group;
each command works on all of them, or on those named on the command line.
Configuration comes from ``RUNNERLY_*`` variables (see :mod:`runnerly_launcher.config`).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Mapping, Sequence

from runnerly_kit.manifest import discover
from runnerly_launcher.config import LauncherConfig, ServiceEndpoint, load_config
from runnerly_launcher.errors import ConfigError, LauncherError
from runnerly_launcher.status import check_all, render_json, render_table

EXIT_INTERRUPTED = 130
EXIT_USAGE = 2


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``runnerly`` console script; returns the exit code."""
    args = _parser().parse_args(argv)
    environ = dict(os.environ)
    try:
        config = load_config(discover(), environ)
        endpoints = config.select(args.services)
    except ConfigError as exc:
        sys.stderr.write(f"runnerly: {exc}\n")
        return EXIT_USAGE
    try:
        code: int = args.command(args, config, endpoints, environ)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except LauncherError as exc:
        sys.stderr.write(f"runnerly: {exc}\n")
        return 1
    return code


def _up(
    _args: argparse.Namespace,
    config: LauncherConfig,
    endpoints: Sequence[ServiceEndpoint],
    environ: Mapping[str, str],
) -> int:
    # Imported here: SQLAlchemy, Alembic and honcho would make `status` slow to start.
    from runnerly_launcher.supervisor import up  # noqa: PLC0415

    return up(config, endpoints, environ, sys.stdout)


def _status(
    args: argparse.Namespace,
    config: LauncherConfig,
    endpoints: Sequence[ServiceEndpoint],
    _environ: Mapping[str, str],
) -> int:
    healths = asyncio.run(check_all(config, endpoints))
    sys.stdout.write(render_json(healths) if args.json else render_table(healths))
    return 0 if all(h.up for h in healths) else 1


def _migrate(
    _args: argparse.Namespace,
    config: LauncherConfig,
    endpoints: Sequence[ServiceEndpoint],
    environ: Mapping[str, str],
) -> int:
    from runnerly_launcher.migrate import migrate  # noqa: PLC0415  # as in _up

    asyncio.run(migrate(endpoints, config, environ, sys.stdout))
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="runnerly",
        description="Run Runnerly on one machine: the broker and every service, on localhost.",
        epilog="Ports, data folder and broker are set with RUNNERLY_* variables; "
        "see docs/operations.md.",
    )
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")
    service_help = "only these services (default: all installed)"

    start = commands.add_parser(
        "up",
        help="start the broker and the services; Ctrl-C stops them all",
        description="Apply migrations, start the broker and every service, wait until each "
        "answers /readyz and print their URLs. Ctrl-C stops everything.",
    )
    start.add_argument("services", nargs="*", metavar="SERVICE", help=service_help)
    start.set_defaults(command=_up)

    status = commands.add_parser(
        "status",
        help="health of the broker and of each service (exit code 1 if one is down)",
        description="Probe the broker (NATS) and each service's /readyz.",
    )
    status.add_argument("services", nargs="*", metavar="SERVICE", help=service_help)
    status.add_argument("--json", action="store_true", help="print JSON for scripts")
    status.set_defaults(command=_status)

    migrations = commands.add_parser(
        "migrate",
        help="apply database migrations",
        description="Bring each service's database up to its newest migration.",
    )
    migrations.add_argument("services", nargs="*", metavar="SERVICE", help=service_help)
    migrations.set_defaults(command=_migrate)
    return parser
