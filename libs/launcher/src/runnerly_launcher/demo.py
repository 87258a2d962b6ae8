"""``runnerly demo``: an activated demo runner with a year of training, on the running system.

Everything goes through the services' public APIs, as a runner would: sign up
at users, follow the activation link the mail sink caught, log in with the
launcher's ``runnerly-cli`` client (the password grant, as ``runnerly login``),
set the profile, and upload the generated GPX files to runs in batches.

Idempotent: an existing demo runner logs in instead of signing up, and the
files are the same bytes as the first time (the year ends on the day recorded
in ``var/demo.json`` by the first run: the day before it), which runs answers
``already_imported``.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TextIO

import httpx

from runnerly_launcher import demo_training, mailbox
from runnerly_launcher.errors import LauncherError
from runnerly_launcher.login import LoginRefused, Tokens, log_in

DEMO_EMAIL = "demo.runner@example.org"
DEMO_PASSWORD = "a year of easy miles"  # noqa: S105  # printed for the newcomer to log in with
DEMO_NAME = "Demo Runner"
#: Runs refuses an upload over 50 files or 25 MiB (its defaults); stay well inside both.
BATCH_FILES = 40
BATCH_BYTES = 16 * 2**20
#: How long to wait for the activation mail (the mailer retries an unreachable SMTP server).
MAIL_WAIT_SECONDS = 60.0
_LINK = re.compile(r"https?://\S+?[?&]token=([A-Za-z0-9_\-]+)")
_INACTIVE = "not active"


class DemoError(LauncherError):
    """The demo runner could not be made (a service refused, or no activation mail came)."""


@dataclass(frozen=True, slots=True)
class Target:
    """The running system, as the demo reaches it."""

    users_url: str
    runs_url: str
    tokendealer_url: str
    #: The ``runnerly-cli`` client's secret (``var/secrets.json``).
    cli_secret: str
    #: Where the mail sink keeps what it caught.
    mail_dir: Path


@dataclass
class DemoResult:
    """Who to log in as, and what became of the year's files."""

    email: str
    password: str
    runner_id: str
    signed_up: bool
    #: How many files runs answered with each status (created, merged, already_imported).
    statuses: dict[str, int] = field(default_factory=dict)


def run_demo(target: Target, last_day: date, *, progress: TextIO | None = None) -> DemoResult:
    """Make (or find) the demo runner and import the year ending on ``last_day``."""
    say: Callable[[str], object] = progress.write if progress else (lambda _text: None)
    with httpx.Client(timeout=120) as http:
        tokens, signed_up = _logged_in(target, http, say)
        bearer = {"Authorization": f"Bearer {tokens.access_token}"}
        runner_id = _set_profile(target, http, bearer)
        result = DemoResult(DEMO_EMAIL, DEMO_PASSWORD, runner_id, signed_up)
        plan = demo_training.training_year(last_day)
        say(f"importing {len(plan)} runs ({plan[0].started_at:%d %b %Y} to {last_day:%d %b %Y})\n")
        for batch in _batches(demo_training.demo_files(plan)):
            for status in _upload(target, http, bearer, batch):
                result.statuses[status] = result.statuses.get(status, 0) + 1
        return result


def _logged_in(
    target: Target, http: httpx.Client, say: Callable[[str], object]
) -> tuple[Tokens, bool]:
    """The demo runner's tokens, signing up and activating first when needed."""
    try:
        return _log_in(target), False
    except LoginRefused as refused:
        inactive = _INACTIVE in str(refused)
    seen = len(_mail_to(target.mail_dir))
    if inactive:  # signed up by an earlier demo that stopped before activating
        say(f"{DEMO_EMAIL} is not active yet: asking users for a new activation mail\n")
        _post(http, f"{target.users_url}/v1/activations/resend", {"email": DEMO_EMAIL}, 202)
    else:
        say(f"signing up {DEMO_EMAIL}\n")
        body = {"email": DEMO_EMAIL, "password": DEMO_PASSWORD, "name": DEMO_NAME}
        _post(http, f"{target.users_url}/v1/accounts", body, 202)
    token = _activation_token(target.mail_dir, seen)
    _post(http, f"{target.users_url}/v1/activations", {"token": token}, 204)
    say("activated through the link in the mail the sink caught\n")
    return _log_in(target), True


def _log_in(target: Target) -> Tokens:
    return log_in(target.tokendealer_url, target.cli_secret, DEMO_EMAIL, DEMO_PASSWORD)


def _mail_to(directory: Path) -> list[mailbox.MailSummary]:
    return [s for s in mailbox.list_messages(directory) if DEMO_EMAIL in s.recipients]


def _activation_token(directory: Path, seen: int) -> str:
    """The token in the link of the first mail to the demo runner after the ``seen`` first."""
    deadline = time.monotonic() + MAIL_WAIT_SECONDS
    while True:
        arrived = _mail_to(directory)[seen:]
        if arrived:
            text = mailbox.load(arrived[0].path).text
            match = _LINK.search(text)
            if match is None:  # "you already have an account": another password was set
                raise DemoError(
                    f"{DEMO_EMAIL} exists with another password: reset it, "
                    "or start from a fresh data folder"
                )
            return match.group(1)
        if time.monotonic() > deadline:
            raise DemoError(
                f"no activation mail for {DEMO_EMAIL} in {directory} after "
                f"{MAIL_WAIT_SECONDS:.0f} s: is the mailer up (`runnerly status`)?"
            )
        time.sleep(0.1)


def _set_profile(target: Target, http: httpx.Client, bearer: dict[str, str]) -> str:
    """Home, time zone and heart-rate figures, so every screen has something to show."""
    lat, lon = demo_training.CENTRE
    profile = {
        "time_zone": demo_training.TIME_ZONE,
        "home": {"place": demo_training.PLACE, "latitude": lat, "longitude": lon},
        "max_heart_rate": demo_training.MAX_HEART_RATE,
        "resting_heart_rate": demo_training.RESTING_HEART_RATE,
    }
    response = _call(http, "PATCH", f"{target.users_url}/v1/runners/me", bearer, json=profile)
    return str(_expect(response, 200)["id"])


def _batches(files: Iterator[demo_training.DemoFile]) -> Iterator[list[demo_training.DemoFile]]:
    """The files in uploads under runs' limits on files and bytes."""
    batch: list[demo_training.DemoFile] = []
    size = 0
    for item in files:
        if batch and (len(batch) == BATCH_FILES or size + len(item.content) > BATCH_BYTES):
            yield batch
            batch, size = [], 0
        batch.append(item)
        size += len(item.content)
    if batch:
        yield batch


def _upload(
    target: Target,
    http: httpx.Client,
    bearer: dict[str, str],
    batch: Sequence[demo_training.DemoFile],
) -> list[str]:
    """One upload to runs; the status of each file."""
    files = [("files", (f.filename, f.content, "application/gpx+xml")) for f in batch]
    response = _call(http, "POST", f"{target.runs_url}/v1/runs/imports", bearer, files=files)
    report = _expect(response, 200, 201)
    return [str(run["status"]) for run in report["runs"]]


def _post(http: httpx.Client, url: str, body: dict[str, Any], status: int) -> None:
    _expect(_call(http, "POST", url, {}, json=body), status)


def _call(
    http: httpx.Client, method: str, url: str, headers: dict[str, str], **kwargs: Any
) -> httpx.Response:
    try:
        return http.request(method, url, headers=headers, **kwargs)
    except httpx.TransportError as exc:
        raise DemoError(f"{url} does not answer; is `runnerly up` running?") from exc


def _expect(response: httpx.Response, *statuses: int) -> dict[str, Any]:
    """The JSON body of an expected answer; :class:`DemoError` quoting any other."""
    if response.status_code not in statuses:
        raise DemoError(
            f"{response.request.method} {response.request.url} answered "
            f"{response.status_code}: {response.text[:300]}"
        )
    if not response.content:
        return {}
    body = response.json()
    return body if isinstance(body, dict) else {}


def render_result(result: DemoResult, dashboard_url: str | None) -> str:
    """What the newcomer needs: where and as whom to log in, and what was imported."""
    where = f" at {dashboard_url}" if dashboard_url else ""
    counts = ", ".join(
        f"{count} {status.replace('_', ' ')}" for status, count in sorted(result.statuses.items())
    )
    return (
        f"The demo runner is ready; log in{where} with\n"
        f"  email:    {result.email}\n"
        f"  password: {result.password}\n"
        f"Runs imported: {counts or 'none'}.\n"
    )


# ---------------------------------------------------------------- the year's last day


def last_day(state_file: Path, today: date) -> date:
    """The demo year's last day: the first demo's ``today`` (the CLI passes yesterday's date),
    kept in ``state_file``.

    The next demo generates the same year, hence the same files, whatever the date.
    """
    try:
        return date.fromisoformat(json.loads(state_file.read_text())["last_day"])
    except FileNotFoundError:
        pass
    except (ValueError, KeyError, TypeError) as exc:
        raise DemoError(f"{state_file} is not what `runnerly demo` wrote: remove it") from exc
    state_file.parent.mkdir(parents=True, exist_ok=True)
    state_file.write_text(json.dumps({"last_day": today.isoformat()}) + "\n")
    return today
