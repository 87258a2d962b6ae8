"""Zips of activity files: every activity inside, and the zips that are refused."""

import hashlib
import io
import struct
import zipfile

import pytest

from runnerly_runs.testing.samples import to_fit, to_gpx, to_tcx
from runnerly_runs.tracks import UnreadableFile, read_upload

from .support import meridian_track


def make_zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            if name.endswith("/"):
                archive.writestr(zipfile.ZipInfo(name), b"")
            else:
                archive.writestr(name, data)
    return buffer.getvalue()


def refusal(content: bytes, **limits: int) -> UnreadableFile:
    with pytest.raises(UnreadableFile) as caught:
        read_upload("runs.zip", content, **limits)
    assert caught.value.filename == "runs.zip"
    assert caught.value.message.startswith("runs.zip")
    return caught.value


def activity_files() -> dict[str, bytes]:
    track, _ = meridian_track(seconds=300)
    return {
        "2026/morning.gpx": to_gpx(track),
        "2026/lunch.tcx": to_tcx(track),
        "evening.fit": to_fit(track),
    }


def test_a_zip_yields_each_activity_file_with_its_fingerprint() -> None:
    """A zip gives each GPX, TCX and FIT inside with its fingerprint; other files are skipped."""
    files = activity_files()
    content = make_zip(
        {
            "2026/": b"",
            **files,
            "README.txt": b"exported by my watch",
            "__MACOSX/2026/._morning.gpx": b"\x00\x05\x16\x07resource fork",
            ".DS_Store": b"\x00\x00\x00\x01Bud1",
            "2026/.hidden.gpx": b"not even looked at",
        }
    )
    imported = read_upload("runs.zip", content)

    assert [(one.filename, one.format) for one in imported] == [
        ("2026/morning.gpx", "gpx"),
        ("2026/lunch.tcx", "tcx"),
        ("evening.fit", "fit"),
    ]
    assert [one.fingerprint for one in imported] == [
        hashlib.sha256(data).hexdigest() for data in files.values()
    ]
    assert len({one.fingerprint for one in imported}) == 3
    distances = [one.track.series.distances[-1] for one in imported]
    assert distances == pytest.approx([distances[0]] * 3, abs=0.01)


def test_the_same_file_has_the_same_fingerprint_inside_a_zip_and_alone() -> None:
    """A file has the same fingerprint inside a zip, twice over, as uploaded alone."""
    gpx = activity_files()["2026/morning.gpx"]
    [alone] = read_upload("morning.gpx", gpx)
    twice = read_upload("runs.zip", make_zip({"a.gpx": gpx, "copy/a.gpx": gpx}))
    assert {one.fingerprint for one in twice} == {alone.fingerprint}


def test_a_damaged_member_is_named_in_the_refusal() -> None:
    """A zip with a damaged GPX inside is refused as corrupt, naming the zip and the member."""
    gpx = activity_files()["2026/morning.gpx"]
    error = refusal(make_zip({"good.gpx": gpx, "morning.gpx": gpx[:-400]}))
    assert error.problem == "corrupt"
    assert error.message.startswith("runs.zip: morning.gpx is corrupt: ")


def test_a_member_named_like_an_activity_must_be_one() -> None:
    """A zip member named .gpx that is not one is refused as unknown_format, naming it."""
    error = refusal(make_zip({"photo.gpx": b"\x89PNG\r\n\x1a\n....", "ok.txt": b"hello"}))
    assert error.problem == "unknown_format"
    assert error.message.startswith("runs.zip: photo.gpx is not a GPX, TCX or FIT file")


def test_a_member_is_recognised_by_its_content() -> None:
    """A FIT file inside a zip is read by its content, whatever its name."""
    fit = activity_files()["evening.fit"]
    [imported] = read_upload("runs.zip", make_zip({"./export.dat": fit}))
    assert imported.format == "fit"
    assert imported.filename == "./export.dat"


@pytest.mark.parametrize(
    "members",
    [
        {"README.txt": b"nothing here", "photo.jpg": b"\xff\xd8\xff\xe0 jpeg"},
        {"folder/": b"", "__MACOSX/._x.gpx": b"fork"},
        {},
    ],
)
def test_a_zip_without_activity_files_is_refused(members: dict[str, bytes]) -> None:
    """A zip holding no GPX, TCX or FIT file (or nothing) is refused, saying so."""
    error = refusal(make_zip(members))
    assert error.problem == "unknown_format"
    assert "no GPX, TCX or FIT file" in error.message


def test_a_zip_inside_the_zip_is_refused() -> None:
    """A zip holding a .zip is refused as unsafe, naming the inner zip."""
    inner = make_zip(activity_files())
    error = refusal(
        make_zip({"morning.gpx": activity_files()["2026/morning.gpx"], "old.zip": inner})
    )
    assert error.problem == "unsafe"
    assert "old.zip" in error.message


def test_a_zip_inside_the_zip_is_refused_whatever_its_name() -> None:
    """A zip holding a zip named like a GPX is refused as unsafe too."""
    error = refusal(make_zip({"morning.gpx": make_zip(activity_files())}))
    assert error.problem == "unsafe"


def test_too_many_files_are_refused() -> None:
    """A zip with more activity files than the limit is too_many_files; at the limit it reads."""
    gpx = activity_files()["2026/morning.gpx"]
    members = {f"run{i}.gpx": gpx for i in range(4)}
    assert len(read_upload("runs.zip", make_zip(members), max_files=4)) == 4
    error = refusal(make_zip(members), max_files=3)
    assert error.problem == "too_many_files"
    assert "at most 3" in error.message


def test_a_member_inflating_past_the_limit_is_refused() -> None:
    """A small zip whose member inflates past the unpacked limit is refused as too_large."""
    # 4 MiB of zeros deflate to a few kilobytes: the upload is small, its content is not.
    bomb = make_zip({"bomb.gpx": b"\x00" * (4 * 2**20)})
    assert len(bomb) < 10_000
    error = refusal(bomb, max_unpacked_bytes=2**20)
    assert error.problem == "too_large"


def test_members_adding_up_past_the_limit_are_refused() -> None:
    """Members each under the unpacked limit but past it together are refused as too_large."""
    gpx = activity_files()["2026/morning.gpx"]
    members = {f"run{i}.gpx": gpx for i in range(3)}
    limit = len(gpx) * 2 + 10
    error = refusal(make_zip(members), max_unpacked_bytes=limit)
    assert error.problem == "too_large"


def test_a_member_lying_about_its_size_is_not_inflated_past_its_declaration() -> None:
    """A member declaring 100 bytes is read no further than that, and refused as corrupt."""
    # A zip bomb's trick: headers declaring 100 bytes for a member that inflates to 4 MiB.
    honest = make_zip({"bomb.gpx": b" " * (4 * 2**20)})
    lying = _declare_sizes(honest, 100)
    error = refusal(lying, max_unpacked_bytes=2**20)
    # Reading stops at the declared size; the CRC of what was read then cannot match.
    assert error.problem == "corrupt"
    assert "bomb.gpx" in error.message


def _declare_sizes(content: bytes, size: int) -> bytes:
    """The zip with every member's uncompressed size rewritten to ``size``."""
    data = bytearray(content)
    local = 0
    while (local := data.find(b"PK\x03\x04", local)) >= 0:
        struct.pack_into("<I", data, local + 22, size)
        local += 4
    central = 0
    while (central := data.find(b"PK\x01\x02", central)) >= 0:
        struct.pack_into("<I", data, central + 24, size)
        central += 4
    return bytes(data)


def test_a_damaged_zip_is_corrupt() -> None:
    """A zip cut in half is refused as corrupt."""
    content = make_zip(activity_files())
    assert refusal(content[: len(content) // 2]).problem == "corrupt"
