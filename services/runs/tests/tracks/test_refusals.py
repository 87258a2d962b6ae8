"""Every file that cannot become a run is refused with a stable code and a message naming it."""

import io
import zlib

import pytest

from runnerly_runs.testing.samples import to_fit, to_gpx, to_tcx
from runnerly_runs.tracks import UnreadableFile, read_upload

from .support import gpx_document, meridian_track

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><metadata><name>&lol9;</name>
</metadata></gpx>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE TrainingCenterDatabase [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">
<Activities><Activity Sport="Running"><Id>&secret;</Id></Activity></Activities>
</TrainingCenterDatabase>"""


def refusal(filename: str, content: bytes) -> UnreadableFile:
    with pytest.raises(UnreadableFile) as caught:
        read_upload(filename, content)
    assert caught.value.filename == filename
    assert filename in caught.value.message
    assert str(caught.value) == caught.value.message
    return caught.value


def fit_file() -> bytes:
    track, _ = meridian_track(seconds=120)
    return to_fit(track)


@pytest.mark.parametrize("content", [b"", b"   \n\t\r\n  "])
def test_an_empty_file_is_refused(content: bytes) -> None:
    """An empty or blank file is refused as empty, with a message naming the file."""
    error = refusal("morning.gpx", content)
    assert error.problem == "empty"
    assert error.message == "morning.gpx is empty."


@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("photo.png", PNG),
        ("splits.csv", b"km,time\n1,5:30\n2,5:28\n"),
        ("route.kml", b'<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"/>'),
        ("run.gpx", PNG),  # the name does not make it a GPX
    ],
)
def test_a_file_of_another_kind_is_refused(filename: str, content: bytes) -> None:
    """A photo, a CSV, a KML or a PNG named .gpx is refused as unknown_format, asking for GPX."""
    error = refusal(filename, content)
    assert error.problem == "unknown_format"
    assert "GPX, TCX or FIT" in error.message


def test_a_truncated_fit_file_is_corrupt() -> None:
    """A FIT file cut in half is refused as corrupt, saying it is truncated."""
    content = fit_file()
    error = refusal("watch.fit", content[: len(content) // 2])
    assert error.problem == "corrupt"
    assert "truncated" in error.message


def test_a_fit_file_with_a_wrong_checksum_is_corrupt() -> None:
    """A FIT file whose checksum does not match is refused as corrupt, saying so."""
    content = fit_file()
    wrong_crc = content[:-2] + bytes([content[-2] ^ 0xFF, content[-1]])
    error = refusal("watch.fit", wrong_crc)
    assert error.problem == "corrupt"
    assert "checksum" in error.message


def test_a_fit_file_with_a_damaged_byte_is_corrupt() -> None:
    """A FIT file with one damaged byte in its middle is refused as corrupt."""
    content = bytearray(fit_file())
    content[len(content) // 2] ^= 0x5A
    assert refusal("watch.fit", bytes(content)).problem == "corrupt"


def test_a_fit_file_without_records_has_no_track() -> None:
    """A valid FIT file with an empty body is refused as no_track."""
    # fit-tool writes a 12-byte header (no header CRC): keep it, announcing an empty
    # body, and close the file with its CRC.
    empty = bytearray(fit_file()[:12])
    assert empty[0] == 12
    empty[4:8] = (0).to_bytes(4, "little")
    body_crc = _fit_crc(bytes(empty))
    error = refusal("empty.fit", bytes(empty) + body_crc.to_bytes(2, "little"))
    assert error.problem == "no_track"


def _fit_crc(data: bytes) -> int:
    """The FIT protocol's CRC-16, as its specification gives it."""
    table = [
        0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401,
        0xA001, 0x6C00, 0x7800, 0xB401, 0x5000, 0x9C01, 0x8801, 0x4400,
    ]  # fmt: skip
    crc = 0
    for byte in data:
        tmp = table[crc & 0xF]
        crc = (crc >> 4) & 0x0FFF
        crc = crc ^ tmp ^ table[byte & 0xF]
        tmp = table[crc & 0xF]
        crc = (crc >> 4) & 0x0FFF
        crc = crc ^ tmp ^ table[(byte >> 4) & 0xF]
    return crc


@pytest.mark.parametrize("writer", [to_gpx, to_tcx])
def test_truncated_xml_is_corrupt(writer: object) -> None:
    """A GPX or TCX file cut short is refused as corrupt, naming the file."""
    track, _ = meridian_track(seconds=60)
    assert callable(writer)
    content = writer(track)
    error = refusal("cut.xml", content[: len(content) - 300])
    assert error.problem == "corrupt"
    assert error.message.startswith("cut.xml is corrupt: ")


def test_xml_broken_before_its_root_is_corrupt() -> None:
    """XML broken before its root element is refused as corrupt."""
    assert refusal("broken.gpx", b'<?xml version="1.0"?><<gpx>').problem == "corrupt"


def test_a_gpx_with_an_unreadable_time_is_corrupt() -> None:
    """A GPX point with an unreadable time is refused as corrupt, quoting the time."""
    content = gpx_document(
        '<trk><trkseg><trkpt lat="45.0" lon="4.85"><time>2026-05-01T06:30:00Z</time></trkpt>'
        '<trkpt lat="45.001" lon="4.85"><time>yesterday at noon</time></trkpt>'
        '<trkpt lat="45.002" lon="4.85"><time>2026-05-01T06:31:00Z</time></trkpt>'
        "</trkseg></trk>"
    )
    error = refusal("odd.gpx", content)
    assert error.problem == "corrupt"
    assert "yesterday at noon" in error.message


def test_a_gpx_with_a_bad_coordinate_is_corrupt() -> None:
    """A GPX point whose latitude is not a number is refused as corrupt."""
    content = gpx_document(
        '<trk><trkseg><trkpt lat="north" lon="4.85"><time>2026-05-01T06:30:00Z</time>'
        "</trkpt></trkseg></trk>"
    )
    assert refusal("odd.gpx", content).problem == "corrupt"


@pytest.mark.parametrize(
    "body",
    [
        "",
        "<trk><trkseg/></trk>",
        # Points, but none with a time: a drawn route, not a recording.
        '<trk><trkseg><trkpt lat="45.0" lon="4.85"/><trkpt lat="45.1" lon="4.85"/></trkseg></trk>',
        # A single recorded point is no run.
        '<trk><trkseg><trkpt lat="45.0" lon="4.85"><time>2026-05-01T06:30:00Z</time></trkpt>'
        "</trkseg></trk>",
    ],
)
def test_a_gpx_without_a_recorded_track_is_refused(body: str) -> None:
    """A GPX with no track, an empty one, points without times or one point cannot become a run."""
    error = refusal("plan.gpx", gpx_document(body))
    assert error.problem == "no_track"
    assert error.message.startswith("plan.gpx cannot become a run: ")


def test_a_route_only_gpx_is_refused_as_a_route() -> None:
    """A GPX holding only a planned route is refused as no_track, saying it is a route."""
    content = gpx_document(
        '<rte><name>Sunday loop</name><rtept lat="45.0" lon="4.85"/>'
        '<rtept lat="45.01" lon="4.85"/></rte>'
    )
    error = refusal("loop.gpx", content)
    assert error.problem == "no_track"
    assert "route" in error.message


def test_a_tcx_without_trackpoints_has_no_track() -> None:
    """A TCX activity without trackpoints is refused as no_track."""
    content = (
        b'<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/'
        b'TrainingCenterDatabase/v2"><Activities><Activity Sport="Running"><Id>x</Id>'
        b"</Activity></Activities></TrainingCenterDatabase>"
    )
    assert refusal("blank.tcx", content).problem == "no_track"


@pytest.mark.parametrize(("filename", "content"), [("lol.gpx", BILLION_LAUGHS), ("xxe.tcx", XXE)])
def test_xml_declaring_entities_is_refused_as_unsafe(filename: str, content: bytes) -> None:
    """XML declaring entities (billion laughs, XXE) is refused as unsafe, naming the DOCTYPE."""
    error = refusal(filename, content)
    assert error.problem == "unsafe"
    assert "DOCTYPE" in error.message


def test_a_doctype_after_a_long_comment_is_still_found() -> None:
    """A DOCTYPE hidden after a 200 kB comment is still found and refused as unsafe."""
    # The safety check reads in chunks: a DOCTYPE past the first chunk is still refused.
    padding = b"<!--" + b"x" * 200_000 + b"-->"
    content = BILLION_LAUGHS.replace(b"<!DOCTYPE", padding + b"<!DOCTYPE", 1)
    assert refusal("lol.gpx", content).problem == "unsafe"


def test_a_compressed_upload_that_is_not_a_zip_is_unknown() -> None:
    """A zlib-compressed file or unknown binary bytes are refused as unknown_format."""
    assert refusal("run.gpx.gz", zlib.compress(b"<gpx/>")).problem == "unknown_format"
    assert refusal("nothing.bin", io.BytesIO(b"\x00" * 64).read()).problem == "unknown_format"
