"""Reading activity files into tracks and computing a run's figures.

Pure and framework-free: nothing here knows of HTTP, databases or the broker.
"""

from .efforts import best_efforts
from .model import (
    BEST_EFFORT_DISTANCES,
    BestEffort,
    FileFormat,
    ImportedFile,
    Lap,
    Series,
    Split,
    Summary,
    Track,
    UnreadableFile,
)
from .packing import pack_series, unpack_series
from .sports import is_run
from .streams import series_from_streams
from .summary import pace, summarize
from .upload import read_upload

__all__ = [
    "BEST_EFFORT_DISTANCES",
    "BestEffort",
    "FileFormat",
    "ImportedFile",
    "Lap",
    "Series",
    "Split",
    "Summary",
    "Track",
    "UnreadableFile",
    "best_efforts",
    "is_run",
    "pace",
    "pack_series",
    "read_upload",
    "series_from_streams",
    "summarize",
    "unpack_series",
]
