"""The ``runnerly`` command: ``up``, ``status``, ``migrate``, ``mail``, ``login`` and ``demo``.

Services are the ones installed in the ``runnerly.services`` entry-point group;
``up``, ``status`` and ``migrate`` work on all of them, or on those named on the
command line. ``mail`` reads the messages the local SMTP sink caught;
``login`` prints a runner's access token (to call the APIs by hand); ``demo`` makes
an activated demo runner with a year of generated runs on the running system.
Configuration comes from ``RUNNERLY_*`` variables (see :mod:`runnerly_launcher.config`).
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from runnerly_launcher import mailbox, mailview
from runnerly_launcher.config import (
    LauncherConfig,
    ServiceEndpoint,
    data_dir,
    discover_services,
    load_config,
)
from runnerly_launcher.credentials import read as read_credentials
from runnerly_launcher.errors import ConfigError, LauncherError
from runnerly_launcher.login import CLI_CLIENT_ID, log_in
from runnerly_launcher.status import check_all, render_json, render_table

EXIT_INTERRUPTED = 130
EXIT_USAGE = 2


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``runnerly`` console script; returns the exit code."""
    args = _parser().parse_args(argv)
    environ = dict(os.environ)
    try:
        # `mail` only reads the data folder: it needs no service, and none may break it.
        if args.command is _mail:
            code: int = _mail(args, environ)
        elif args.command is _login:
            code = _login(args, environ)
        elif args.command is _demo:
            code = _demo(args, environ)
        else:
            config, endpoints = _load(args, environ)
            code = int(args.command(args, config, endpoints, environ))
    except ConfigError as exc:
        sys.stderr.write(f"runnerly: {exc}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except LauncherError as exc:
        sys.stderr.write(f"runnerly: {exc}\n")
        return 1
    return code


def _load(
    args: argparse.Namespace, environ: Mapping[str, str]
) -> tuple[LauncherConfig, tuple[ServiceEndpoint, ...]]:
    discovery = discover_services()
    config = load_config(discovery.manifests, environ)
    # A service whose package cannot be imported is skipped with a warning, unless
    # the command would otherwise silently leave it out of what it was asked to do.
    wanted = set(args.services) or (set(discovery.broken) if args.needs_all else set())
    for name, reason in sorted(discovery.broken.items()):
        if name in wanted:
            raise ConfigError(f"service {name} cannot be loaded ({reason}); name the others")
        sys.stderr.write(f"runnerly: warning: service {name} is skipped: {reason}\n")
    return config, config.select(args.services)


def _up(
    _args: argparse.Namespace,
    config: LauncherConfig,
    endpoints: Sequence[ServiceEndpoint],
    environ: Mapping[str, str],
) -> int:
    # Imported here: the mail sink's SMTP server is of no use to the other commands.
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
    # Imported here: SQLAlchemy and Alembic would make every other command slow to start
    # (and `up` runs this command in a child process so that they never load into it).
    from runnerly_launcher.migrate import migrate  # noqa: PLC0415

    asyncio.run(migrate(endpoints, config, environ, sys.stdout))
    return 0


def _mail(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    directory = data_dir(environ) / "mail"
    if args.id is None and not args.last:
        summaries = mailbox.list_messages(directory)
        render = mailview.render_list_json if args.json else mailview.render_list
        sys.stdout.write(render(summaries, directory))
        return 0
    if args.last:
        summaries = mailbox.list_messages(directory)
        if not summaries:
            raise mailbox.MailNotFound(f"no mail caught yet (in {directory})")
        path = summaries[-1].path
    else:
        path = mailbox.find(directory, args.id)
    message = mailbox.load(path)
    render_one = mailview.render_message_json if args.json else mailview.render_message
    sys.stdout.write(render_one(message))
    return 0


def _cli_client(environ: Mapping[str, str]) -> tuple[LauncherConfig, str]:
    """The configuration, and the ``runnerly-cli`` client's secret the launcher generated."""
    discovery = discover_services()
    config = load_config(discovery.manifests, environ)
    secrets_file = config.secrets_file
    if not secrets_file.exists():
        raise LauncherError(f"no {secrets_file}: start the system once with `runnerly up`")
    credentials = read_credentials(secrets_file)
    if CLI_CLIENT_ID not in credentials.client_secrets:
        raise LauncherError("this data folder predates `runnerly login`: restart `runnerly up`")
    return config, credentials.client_secrets[CLI_CLIENT_ID]


def _login(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    config, secret = _cli_client(environ)
    password = _read_password(args.password_stdin)
    tokens = log_in(config.tokendealer_url, secret, args.email, password)
    sys.stderr.write(f"logged in: scope {tokens.scope!r}, expires in {tokens.expires_in} s\n")
    sys.stdout.write(f"{tokens.access_token}\n")
    return 0


def _demo(_args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    # Imported here: gpxpy and the generator are of no use to the other commands.
    from runnerly_launcher import demo  # noqa: PLC0415

    config, secret = _cli_client(environ)
    urls = {endpoint.name: endpoint.url for endpoint in config.services}
    missing = {"users", "runs"} - urls.keys()
    if missing:
        raise LauncherError(f"`runnerly demo` needs {', '.join(sorted(missing))}: not installed")
    target = demo.Target(
        users_url=urls["users"],
        runs_url=urls["runs"],
        tokendealer_url=config.tokendealer_url,
        cli_secret=secret,
        mail_dir=config.mail_dir,
    )
    # The machine's own date: the demo's year ends yesterday, where the newcomer is (a run
    # planned for later today would be a run in the future).
    yesterday = datetime.now().astimezone().date() - timedelta(days=1)
    last_day = demo.last_day(config.data_dir / "demo.json", yesterday)
    result = demo.run_demo(target, last_day, progress=sys.stderr)
    sys.stdout.write(demo.render_result(result, urls.get("dashboard")))
    return 0


def _read_password(from_stdin: bool) -> str:
    # getpass reads the terminal even when stdin is a pipe (and warns when there is no
    # terminal): `echo pw | runnerly login ...` must read the pipe, without a word.
    if from_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    return getpass.getpass()


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
        help="start the broker, the mail sink and the services; Ctrl-C stops them all",
        description="Apply migrations, start the broker, the local SMTP sink and every service, "
        "wait until each answers /readyz and print their URLs. Ctrl-C stops everything.",
    )
    start.add_argument("services", nargs="*", metavar="SERVICE", help=service_help)
    start.set_defaults(command=_up, needs_all=True)

    status = commands.add_parser(
        "status",
        help="health of the broker, the mail server and each service (exit 1 if one is down)",
        description="Probe the broker (NATS), the SMTP server and each service's /readyz.",
    )
    status.add_argument("services", nargs="*", metavar="SERVICE", help=service_help)
    status.add_argument("--json", action="store_true", help="print JSON for scripts")
    status.set_defaults(command=_status, needs_all=False)

    migrations = commands.add_parser(
        "migrate",
        help="apply database migrations",
        description="Bring each service's database up to its newest migration.",
    )
    migrations.add_argument("services", nargs="*", metavar="SERVICE", help=service_help)
    migrations.set_defaults(command=_migrate, needs_all=True)

    mail = commands.add_parser(
        "mail",
        help="read the mail the local SMTP sink caught (activation links...)",
        description="List the messages caught by the local SMTP sink (newest last), or show "
        "one: its headers and its text. Reads RUNNERLY_DATA_DIR; needs nothing running.",
    )
    which = mail.add_mutually_exclusive_group()
    which.add_argument("id", nargs="?", metavar="ID", help="show this message (or an id prefix)")
    which.add_argument("--last", action="store_true", help="show the newest message")
    mail.add_argument("--json", action="store_true", help="print JSON for scripts")
    mail.set_defaults(command=_mail)

    login = commands.add_parser(
        "login",
        help="print a runner's access token (password grant), for calling the APIs by hand",
        description="Log in at the running token dealer as the runnerly-cli client and print "
        "the access token, e.g. token=$(runnerly login you@example.org). The password is "
        "asked for on the terminal, or read from standard input when that is not a terminal "
        '(echo "$pw" | runnerly login you@example.org).',
    )
    login.add_argument("email")
    login.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from standard input even when it is a terminal",
    )
    login.set_defaults(command=_login)

    demo = commands.add_parser(
        "demo",
        help="create an activated demo runner with a year of generated runs, and print its login",
        description="On the running system (`runnerly up`): sign up and activate the demo "
        "runner (or log in, when it exists), then import a year of generated training, about "
        "four runs a week with GPS tracks, as GPX files. Prints the email and password to log "
        "in with. Running it again adds nothing.",
    )
    demo.set_defaults(command=_demo)
    return parser
