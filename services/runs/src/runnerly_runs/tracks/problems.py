"""What can be wrong with one activity file, before it is known how it was uploaded.

Readers raise :class:`FileProblem` with a stable code and a detail; the upload
code turns it into :class:`~runnerly_runs.tracks.model.UnreadableFile` with a
message naming the file (and the zip it came in).
"""

from __future__ import annotations


class FileProblem(Exception):
    """One file's problem: ``problem`` is an :class:`UnreadableFile` code, ``detail`` says why."""

    def __init__(self, problem: str, detail: str) -> None:
        super().__init__(detail)
        self.problem = problem
        self.detail = detail
