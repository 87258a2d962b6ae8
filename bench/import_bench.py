"""Benchmark: importing a 10,000-point run, beside parsing the file alone with the library.

Run: ``uv run python -m bench.import_bench``. Writes ``bench/results/import.json``
and prints the tables for RESULTS.md.

The file is a synthetic one-hour run at 1 Hz with positions, elevation, heart
rate and cadence (``synthetic_run`` + ``to_gpx``, ``to_tcx``, ``to_fit``).
In process, best of ``--repeats`` runs each (``time.perf_counter``):

1. the library alone: ``gpxpy.parse``, tcxreader's ``TCXReader.read``, or
   iterating every frame with ``fitdecode`` (the reader options ours uses);
2. ``read_upload``: our reading (format sniffing and the XML safety check,
   the library, our points, the series);
3. what an import computes: ``read_upload`` + ``from_file`` (summary, splits,
   route simplification, best efforts) + ``pack_series``.

Then where step 3's time goes for the GPX file, stage by stage, and finally
the whole HTTP import: distinct GPX files (none a duplicate of another)
uploaded one after another to a real runs service (one uvicorn worker,
SQLite, a runner's token verified against a real token dealer's JWKS).
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import io
import math
import os
import platform
import secrets
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import fitdecode  # type: ignore[import-untyped]
import gpxpy
import httpx
from tcxreader.tcxreader import TCXReader  # type: ignore[import-untyped]

from bench.harness import save_results, uvicorn_server
from bench.runner import migrate_runs, runs_environment, tokendealer_with_runner
from runnerly_kit.testing.nats import NatsServer
from runnerly_runs.manifest import MANIFEST as RUNS
from runnerly_runs.recording import from_file
from runnerly_runs.testing.samples import synthetic_run, to_fit, to_gpx, to_tcx
from runnerly_runs.tracks import best_efforts, pack_series, read_upload
from runnerly_runs.tracks.model import Track
from runnerly_runs.tracks.route import route_polyline
from runnerly_runs.tracks.summary import elevation_gain, moving_intervals, splits
from runnerly_runs.tracks.upload import sniff

START = datetime(2026, 6, 1, 7, tzinfo=UTC)
FILENAMES = {"gpx": "run.gpx", "tcx": "run.tcx", "fit": "run.fit"}
WHOLE = "read_upload + from_file + pack_series"


def best_of(repeats: int, action: Callable[[], object]) -> float:
    """The fastest of ``repeats`` timed calls, in seconds (after one untimed warm-up)."""
    action()
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return min(timings)


def whole_import(filename: str, content: bytes) -> None:
    """What ``POST /v1/runs/imports`` computes for one file before it writes anything."""
    for imported in read_upload(filename, content):
        from_file(imported)
        pack_series(imported.track.series)


def parse_fit(content: bytes) -> None:
    """Every frame of a FIT file through fitdecode, with the options ``read_fit`` uses."""
    with fitdecode.FitReader(
        io.BytesIO(content),
        check_crc=fitdecode.CrcCheck.RAISE,
        error_handling=fitdecode.ErrorHandling.IGNORE,
        keep_raw_chunks=False,
    ) as reader:
        for _frame in reader:
            pass


def library_parser(file_format: str, content: bytes, scratch: Path) -> Callable[[], object]:
    """The library's own parsing of the file, nothing of ours around it."""
    if file_format == "gpx":
        return lambda: gpxpy.parse(content)
    if file_format == "tcx":
        # tcxreader reads from a path only; the file stays in the page cache.
        path = scratch / FILENAMES["tcx"]
        path.write_bytes(content)
        return lambda: TCXReader().read(str(path), only_gps=False)
    return lambda: parse_fit(content)


LIBRARIES = {
    "gpx": "gpxpy.parse",
    "tcx": "tcxreader TCXReader.read",
    "fit": "fitdecode, every frame",
}


def row(step: str, file_format: str, seconds: float, points: int) -> dict[str, Any]:
    return {
        "step": step,
        "format": file_format,
        "ms": round(seconds * 1000, 2),
        "points_per_second": round(points / seconds),
        "us_per_point": round(seconds / points * 1e6, 2),
    }


def in_process(files: dict[str, bytes], points: int, repeats: int) -> list[dict[str, Any]]:
    """Steps 1 to 3 for each format."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for file_format, content in files.items():
            rows += format_rows(file_format, content, Path(tmp), points, repeats)
    return rows


def format_rows(
    file_format: str, content: bytes, scratch: Path, points: int, repeats: int
) -> list[dict[str, Any]]:
    """The library alone, our reading, and the whole computation, for one file."""
    filename = FILENAMES[file_format]
    library = library_parser(file_format, content, scratch)
    return [
        row(LIBRARIES[file_format], file_format, best_of(repeats, library), points),
        row(
            "read_upload",
            file_format,
            best_of(repeats, lambda: read_upload(filename, content)),
            points,
        ),
        row(
            WHOLE,
            file_format,
            best_of(repeats, lambda: whole_import(filename, content)),
            points,
        ),
    ]


def stages(content: bytes, points: int, repeats: int) -> list[dict[str, Any]]:
    """Where a GPX import's computation goes, each stage timed alone on the same input.

    Reading's share of our own code (points from gpxpy's objects, the
    haversine distances, the series) is ``read_upload`` less the stages
    before it: it cannot be called alone.
    """
    [imported] = read_upload(FILENAMES["gpx"], content)
    series = imported.track.series
    moving = moving_intervals(series)
    timed: list[tuple[str, float]] = [
        (
            "sniff + XML safety check (defusedxml, up to the root)",
            best_of(repeats, lambda: sniff(content)),
        ),
        ("SHA-256 fingerprint", best_of(repeats, lambda: hashlib.sha256(content).hexdigest())),
        (
            "gpxpy.parse (decode + ElementTree + gpxpy objects)",
            best_of(repeats, lambda: gpxpy.parse(content.decode("utf-8-sig"))),
        ),
    ]
    reading = best_of(repeats, lambda: read_upload(FILENAMES["gpx"], content))
    ours = reading - sum(seconds for _, seconds in timed)
    timed += [
        ("our points, distances and series (read_upload less the above)", ours),
        ("moving intervals", best_of(repeats, lambda: moving_intervals(series))),
        ("elevation gain", best_of(repeats, lambda: elevation_gain(series.elevations))),
        ("route: simplify + encode polyline", best_of(repeats, lambda: route_polyline(series))),
        ("kilometre splits", best_of(repeats, lambda: splits(series, moving))),
        ("best efforts (5 distances)", best_of(repeats, lambda: best_efforts(series))),
        ("pack_series (varints + zlib)", best_of(repeats, lambda: pack_series(series))),
    ]
    return [
        {
            "stage": name,
            "ms": round(seconds * 1000, 2),
            "us_per_point": round(seconds / points * 1e6, 2),
        }
        for name, seconds in timed
    ]


def gc_frozen(content: bytes, points: int, repeats: int) -> list[dict[str, Any]]:
    """GPX steps 1 and 3 again with every object alive so far frozen (``gc.freeze``).

    This process holds the service's modules, as the service does: a full
    collection walks them all, and gpxpy's allocations trigger many.
    """
    gc.collect()
    gc.freeze()
    try:
        return [
            row(
                f"{LIBRARIES['gpx']}, gc.freeze() first",
                "gpx",
                best_of(repeats, lambda: gpxpy.parse(content)),
                points,
            ),
            row(
                f"{WHOLE}, gc.freeze() first",
                "gpx",
                best_of(repeats, lambda: whole_import(FILENAMES["gpx"], content)),
                points,
            ),
        ]
    finally:
        gc.unfreeze()


def distinct_runs(count: int, points: int) -> list[bytes]:
    """GPX files of ``count`` different runs: a day apart, each its own seed.

    A day apart so that none is taken for a duplicate of another (the service
    merges recordings starting within a minute with about the same distance).
    """
    tracks: list[Track] = [
        synthetic_run(start=START + timedelta(days=day), points=points, seed=day)
        for day in range(count)
    ]
    return [to_gpx(track) for track in tracks]


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile: with 20 values, p99 is the slowest."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


#: The two runs services uploaded to: as deployed (the kit freezes the heap once the
#: service has started), and without that freeze (the kit skips it in tests).
SERVICES = {
    "as deployed (heap frozen at start-up)": {},
    "heap not frozen (RUNS_ENVIRONMENT=test)": {
        "RUNS_ENVIRONMENT": "test",
        "RUNS_CLIENT_SECRET": secrets.token_urlsafe(32),
    },
}


def over_http(uploads: int, points: int) -> list[dict[str, Any]]:
    """Upload distinct GPX files one after another to real runs services; each must be created.

    Each service gets a fresh, empty database and the same files.
    """
    # One more than measured: the first upload warms the service (imports, JWKS fetch).
    bodies = distinct_runs(uploads + 1, points)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        nats = NatsServer(store_dir=data / "nats")
        nats.start()
        try:
            with tokendealer_with_runner(data, nats.url) as (tokendealer, token):
                for number, (variant, overrides) in enumerate(SERVICES.items()):
                    runs_url = f"sqlite+aiosqlite:///{data / f'runs{number}.db'}"
                    migrate_runs(runs_url)
                    runs_env = runs_environment(runs_url, nats.url, tokendealer, **overrides)
                    with (
                        uvicorn_server(RUNS.app_factory, env=runs_env) as runs,
                        httpx.Client(
                            base_url=runs,
                            headers={"Authorization": f"Bearer {token}"},
                            timeout=120,
                        ) as client,
                    ):
                        timings = [upload(client, body) for body in bodies][1:]
                    results.append(http_figures(variant, timings, bodies, points))
        finally:
            nats.stop()
    return results


def http_figures(
    variant: str, timings: list[float], bodies: list[bytes], points: int
) -> dict[str, Any]:
    median = statistics.median(timings)
    return {
        "service": variant,
        "uploads": len(timings),
        "file_bytes": round(statistics.mean(len(body) for body in bodies)),
        "p50_ms": round(median * 1000, 1),
        "p99_ms": round(percentile(timings, 0.99) * 1000, 1),
        "mean_ms": round(statistics.mean(timings) * 1000, 1),
        "points_per_second_p50": round(points / median),
        "points_per_second_overall": round(points * len(timings) / sum(timings)),
    }


def upload(client: httpx.Client, body: bytes) -> float:
    """One file through ``POST /v1/runs/imports``, in seconds; it must create a run."""
    started = time.perf_counter()
    answer = client.post(
        "/v1/runs/imports", files={"files": ("run.gpx", body, "application/gpx+xml")}
    )
    elapsed = time.perf_counter() - started
    if answer.status_code != 201 or answer.json()["runs"][0]["status"] != "created":
        raise RuntimeError(f"upload not created: {answer.status_code} {answer.text}")
    return elapsed


def run(points: int, repeats: int, uploads: int) -> dict[str, Any]:
    track = synthetic_run(start=START, points=points)
    files = {"gpx": to_gpx(track), "tcx": to_tcx(track), "fit": to_fit(track)}
    load_before = os.getloadavg()
    rows = in_process(files, points, repeats)
    breakdown = stages(files["gpx"], points, repeats)
    rows += gc_frozen(files["gpx"], points, repeats)
    http = over_http(uploads, points) if uploads else None
    return {
        "machine": f"{platform.machine()} Python {platform.python_version()}",
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_average_before": [round(load, 2) for load in load_before],
        "load_average_after": [round(load, 2) for load in os.getloadavg()],
        "points": points,
        "repeats": repeats,
        "file_bytes": {name: len(content) for name, content in files.items()},
        "in_process": rows,
        "gpx_stages": breakdown,
        "http": http,
    }


def table(figures: dict[str, Any]) -> str:
    points = figures["points"]
    lines = [
        f"| step ({points:,} points, best of {figures['repeats']}) "
        "| format | ms | points/s | µs/point |",
        "|---|---|---:|---:|---:|",
    ]
    lines += [
        f"| {r['step']} | {r['format'].upper()} | {r['ms']:,.1f} | {r['points_per_second']:,} | "
        f"{r['us_per_point']:.1f} |"
        for r in figures["in_process"]
    ]
    by_key = {(r["format"], r["step"]): r["ms"] for r in figures["in_process"]}
    lines.append("")
    for file_format, library in LIBRARIES.items():
        alone = by_key[(file_format, library)]
        reading = by_key[(file_format, "read_upload")]
        whole = by_key[(file_format, WHOLE)]
        lines.append(
            f"- {file_format.upper()}: reading keeps **{alone / reading:.2f}** of the library's "
            f"throughput; the whole computation **{alone / whole:.2f}**"
        )
    lines += ["", "| GPX stage | ms | µs/point |", "|---|---:|---:|"]
    lines += [
        f"| {s['stage']} | {s['ms']:,.1f} | {s['us_per_point']:.1f} |"
        for s in figures["gpx_stages"]
    ]
    if figures["http"]:
        lines += [
            "",
            "| POST /v1/runs/imports, one GPX per request (token, SQLite) "
            "| uploads | p50 ms | p99 ms | points/s (p50) | points/s (overall) |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        lines += [
            f"| {h['service']}, {h['file_bytes'] / 2**20:.1f} MiB file | {h['uploads']} "
            f"| {h['p50_ms']:,.1f} | {h['p99_ms']:,.1f} | {h['points_per_second_p50']:,} "
            f"| {h['points_per_second_overall']:,} |"
            for h in figures["http"]
        ]
    before, after = figures["load_average_before"], figures["load_average_after"]
    lines += ["", f"- load average (1, 5, 15 min): before {before}, after {after}"]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--points", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--uploads", type=int, default=20, help="0 skips the HTTP part")
    args = parser.parse_args()
    figures = run(args.points, args.repeats, args.uploads)
    save_results("import", figures)
    print(table(figures))


if __name__ == "__main__":
    main()
