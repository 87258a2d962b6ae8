"""An upload, as bytes, to the activity files it holds: format sniffing, zips, refusals."""

from __future__ import annotations

import hashlib
import io
import posixpath
import zipfile
from collections.abc import Callable

from .fit import read_fit
from .gpx import read_gpx
from .model import FileFormat, ImportedFile, Track, UnreadableFile
from .problems import FileProblem
from .tcx import read_tcx
from .xmlcheck import safe_xml_root

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a zip with members, an empty zip
_XML_ROOTS: dict[str, FileFormat] = {"gpx": "gpx", "TrainingCenterDatabase": "tcx"}
_READERS: dict[FileFormat, Callable[[bytes], Track]] = {
    "gpx": read_gpx,
    "tcx": read_tcx,
    "fit": read_fit,
}
_ACTIVITY_EXTENSIONS = {".gpx", ".tcx", ".fit"}
_READ_CHUNK = 1024 * 1024
_WHITESPACE = b" \t\r\n"


def read_upload(
    filename: str,
    content: bytes,
    *,
    max_files: int = 50,
    max_unpacked_bytes: int = 200 * 2**20,
) -> list[ImportedFile]:
    """The activity files of one upload: one for a GPX, TCX or FIT file, each of a zip's.

    The format is recognised from the bytes, never from the name. Raises
    :class:`UnreadableFile` naming the file (and, for a zip, the member) with
    one of the problem codes listed on it. A zip nested in the zip is refused
    as ``unsafe`` (zips of zips are how zip bombs multiply); a zip holding no
    activity file is ``unknown_format``.
    """
    if content[:4] in _ZIP_MAGIC:
        return _read_zip(filename, content, max_files=max_files, max_bytes=max_unpacked_bytes)
    try:
        return [_read_file(filename, content)]
    except FileProblem as problem:
        raise UnreadableFile(
            filename, problem.problem, f"{filename} {_phrase(problem)}"
        ) from problem


def _phrase(problem: FileProblem) -> str:
    """The message after the file's name: "is corrupt: it ends too early..."."""
    openings = {
        "empty": "is empty",
        "unknown_format": "is not a GPX, TCX or FIT file",
        "corrupt": "is corrupt",
        "no_track": "cannot become a run",
        "unsafe": "was refused",
    }
    opening = openings.get(problem.problem, "cannot be read")
    return f"{opening}: {problem.detail}." if problem.detail else f"{opening}."


def sniff(content: bytes) -> FileFormat:
    """The format of one file from its first bytes (and, for XML, its root element)."""
    if not content.strip(_WHITESPACE):
        raise FileProblem("empty", "")
    if len(content) >= 12 and content[8:12] == b".FIT":
        return "fit"
    text = _xml_body(content)
    if not text.startswith(b"<"):
        raise FileProblem(
            "unknown_format", "Runnerly reads GPX, TCX and FIT files, or a zip of them"
        )
    root = safe_xml_root(text)
    if root not in _XML_ROOTS:
        raise FileProblem(
            "unknown_format",
            f"it is an XML document of another kind (<{root}>); "
            "Runnerly reads GPX, TCX and FIT files, or a zip of them",
        )
    return _XML_ROOTS[root]


def _xml_body(content: bytes) -> bytes:
    """The XML without what some exporters put before it: blank lines, a UTF-8 byte-order mark."""
    text = content.lstrip(_WHITESPACE)
    if text.startswith(b"\xef\xbb\xbf"):
        text = text[3:].lstrip(_WHITESPACE)
    return text


def _read_file(filename: str, content: bytes) -> ImportedFile:
    file_format = sniff(content)
    body = content if file_format == "fit" else _xml_body(content)
    track = _READERS[file_format](body)
    return ImportedFile(
        filename=filename,
        format=file_format,
        fingerprint=hashlib.sha256(content).hexdigest(),
        track=track,
    )


def _ignored(member: zipfile.ZipInfo) -> bool:
    """Folders, macOS resource forks and hidden files: never activities."""
    parts = member.filename.split("/")
    hidden = any(part.startswith(".") and part not in {".", ".."} for part in parts)
    return member.is_dir() or parts[0] == "__MACOSX" or hidden


def _read_zip(
    filename: str, content: bytes, *, max_files: int, max_bytes: int
) -> list[ImportedFile]:
    def refuse(problem: str, message: str) -> UnreadableFile:
        return UnreadableFile(filename, problem, f"{filename} {message}")

    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise refuse("corrupt", f"is corrupt: it is not a readable zip ({error}).") from error
    with archive:
        members = [member for member in archive.infolist() if not _ignored(member)]
        if len(members) > max_files:
            raise refuse(
                "too_many_files",
                f"holds {len(members)} files; upload at most {max_files} at a time.",
            )
        too_large = refuse(
            "too_large",
            f"unpacks to more than {max_bytes // 2**20} MB; upload it in smaller parts.",
        )
        # Declared sizes can lie, so this is only a quick first refusal: the real
        # guard is the running count while reading.
        if sum(member.file_size for member in members) > max_bytes:
            raise too_large
        imported: list[ImportedFile] = []
        budget = max_bytes
        for member in members:
            data = _unpack(archive, member, budget, refuse)
            if data is None:
                raise too_large
            budget -= len(data)
            result = _read_member(filename, member.filename, data)
            if result is not None:
                imported.append(result)
    if not imported:
        raise refuse(
            "unknown_format",
            "holds no GPX, TCX or FIT file; Runnerly reads those, or a zip of them.",
        )
    return imported


def _unpack(
    archive: zipfile.ZipFile,
    member: zipfile.ZipInfo,
    budget: int,
    refuse: Callable[[str, str], UnreadableFile],
) -> bytes | None:
    """The member's bytes, or None as soon as they exceed ``budget``."""
    chunks: list[bytes] = []
    size = 0
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(_READ_CHUNK):
                size += len(chunk)
                if size > budget:
                    return None
                chunks.append(chunk)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        RuntimeError,
        ValueError,
        OSError,
        EOFError,
    ) as error:
        raise refuse(
            "corrupt", f"is corrupt: {member.filename} cannot be unpacked ({error})."
        ) from error
    return b"".join(chunks)


def _read_member(filename: str, name: str, data: bytes) -> ImportedFile | None:
    """One member as an activity file; None for a file that is not meant as one (a photo)."""
    looks_like_activity = posixpath.splitext(name)[1].lower() in _ACTIVITY_EXTENSIONS
    if data[:4] in _ZIP_MAGIC:
        raise UnreadableFile(
            filename,
            "unsafe",
            f"{filename}: {name} is a zip inside the zip, which Runnerly does not open; "
            "upload its files directly.",
        )
    try:
        return _read_file(name, data)
    except FileProblem as problem:
        # A stray README or photo is skipped; a file named like an activity must be one.
        if problem.problem in {"unknown_format", "empty"} and not looks_like_activity:
            return None
        raise UnreadableFile(
            filename, problem.problem, f"{filename}: {name} {_phrase(problem)}"
        ) from problem
