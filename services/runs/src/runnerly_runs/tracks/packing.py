"""A series in a few bytes per point, for storage: fixed-point columns, deltas, varints, zlib.

Layout: one version byte, then a zlib stream of: the point count, then seven
columns in :data:`_COLUMNS` order. Each column is a presence marker (all
missing, all present, or a bitmap of present points), then the present values
as fixed-point integers, each the zig-zag varint of its difference from the
previous one. Recordings change little from one point to the next, so most
values take a byte or two before zlib squeezes out the rest.

Precision kept: 1 ms, 1 cm of distance, 1e-7 degree (about 1 cm), 1 cm of
elevation; heart rate and cadence are integers already.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

from .model import Series

VERSION = 1
# Beyond this a "series" is no recording of a run but an attack on the decoder.
_MAX_UNPACKED_BYTES = 256 * 2**20

_ALL_MISSING, _ALL_PRESENT, _BITMAP = 0, 1, 2
#: Column name and its fixed-point scale.
_COLUMNS: tuple[tuple[str, int], ...] = (
    ("seconds", 1000),
    ("distances", 100),
    ("latitudes", 10_000_000),
    ("longitudes", 10_000_000),
    ("elevations", 100),
    ("heart_rates", 1),
    ("cadences", 1),
)


def pack_series(series: Series) -> bytes:
    """The series packed for storage; :func:`unpack_series` restores it to the kept precision."""
    out = bytearray()
    _write_varint(out, len(series))
    for name, scale in _COLUMNS:
        values: Sequence[float | int | None] = getattr(series, name)
        present = [value is not None for value in values]
        if not any(present):
            out.append(_ALL_MISSING)
            continue
        if all(present):
            out.append(_ALL_PRESENT)
        else:
            out.append(_BITMAP)
            bitmap = bytearray((len(values) + 7) // 8)
            for index, is_present in enumerate(present):
                if is_present:
                    bitmap[index // 8] |= 1 << (index % 8)
            out += bitmap
        previous = 0
        for value in values:
            if value is None:
                continue
            fixed = round(value * scale)
            _write_varint(out, _zigzag(fixed - previous))
            previous = fixed
    return bytes([VERSION]) + zlib.compress(bytes(out), 6)


def unpack_series(data: bytes) -> Series:
    """The series :func:`pack_series` packed; ValueError for anything else."""
    if not data or data[0] != VERSION:
        raise ValueError("not a packed series of a known version")
    inflater = zlib.decompressobj()
    try:
        payload = inflater.decompress(data[1:], _MAX_UNPACKED_BYTES)
    except zlib.error as error:
        raise ValueError(f"packed series is damaged ({error})") from error
    if inflater.unconsumed_tail or not inflater.eof or inflater.unused_data:
        raise ValueError("packed series is damaged, truncated or too large")
    reader = _Reader(payload)
    count = reader.varint()
    if count > len(payload):  # every point costs at least one byte of its time
        raise ValueError("packed series is damaged (impossible point count)")
    columns: dict[str, list[float | int | None]] = {}
    for name, scale in _COLUMNS:
        columns[name] = _read_column(reader, count, scale)
    if not reader.at_end():
        raise ValueError("packed series is damaged (trailing bytes)")
    seconds, distances = columns["seconds"], columns["distances"]
    if any(value is None for value in seconds) or any(value is None for value in distances):
        raise ValueError("packed series is damaged (times and distances cannot be missing)")
    return Series(
        seconds=[float(value) for value in seconds if value is not None],
        distances=[float(value) for value in distances if value is not None],
        latitudes=_floats(columns["latitudes"]),
        longitudes=_floats(columns["longitudes"]),
        elevations=_floats(columns["elevations"]),
        heart_rates=_ints(columns["heart_rates"]),
        cadences=_ints(columns["cadences"]),
    )


def _floats(values: list[float | int | None]) -> list[float | None]:
    return [None if value is None else float(value) for value in values]


def _ints(values: list[float | int | None]) -> list[int | None]:
    return [None if value is None else int(value) for value in values]


def _read_column(reader: _Reader, count: int, scale: int) -> list[float | int | None]:
    marker = reader.byte()
    if marker == _ALL_MISSING:
        return [None] * count
    if marker == _ALL_PRESENT:
        present = [True] * count
    elif marker == _BITMAP:
        bitmap = reader.take((count + 7) // 8)
        present = [bool(bitmap[index // 8] >> (index % 8) & 1) for index in range(count)]
    else:
        raise ValueError("packed series is damaged (unknown column marker)")
    values: list[float | int | None] = []
    previous = 0
    for is_present in present:
        if not is_present:
            values.append(None)
            continue
        previous += _unzigzag(reader.varint())
        values.append(previous if scale == 1 else previous / scale)
    return values


def _zigzag(value: int) -> int:
    """Signed to unsigned, small magnitudes staying small: 0, -1, 1, -2... → 0, 1, 2, 3..."""
    return value * 2 if value >= 0 else -value * 2 - 1


def _unzigzag(value: int) -> int:
    return value // 2 if value % 2 == 0 else -(value + 1) // 2


def _write_varint(out: bytearray, value: int) -> None:
    """LEB128: seven bits per byte, the high bit saying another byte follows."""
    while value >= 0x80:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)


class _Reader:
    """Reads the payload front to back, refusing to run past its end."""

    def __init__(self, payload: bytes) -> None:
        self._payload = payload
        self._offset = 0

    def byte(self) -> int:
        return self.take(1)[0]

    def take(self, size: int) -> bytes:
        end = self._offset + size
        if end > len(self._payload):
            raise ValueError("packed series is damaged (truncated)")
        chunk = self._payload[self._offset : end]
        self._offset = end
        return chunk

    def varint(self) -> int:
        value = shift = 0
        while True:
            byte = self.byte()
            value |= (byte & 0x7F) << shift
            if byte < 0x80:
                return value
            shift += 7
            if shift > 70:
                raise ValueError("packed series is damaged (overlong number)")

    def at_end(self) -> bool:
        return self._offset == len(self._payload)
