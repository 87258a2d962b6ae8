"""The JSON of the runs screens."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from runnerly_dashboard.shapes import RunDetail, RunSummary, Series


class RunsPage(BaseModel):
    """One page of the runner's runs, newest first."""

    runs: list[RunSummary]
    #: Pass as ``cursor`` for the next (older) page; null on the last page.
    next_cursor: str | None


class RunScreen(BaseModel):
    """A run's page: the run, and its full series when it has one (for the charts)."""

    run: RunDetail
    series: Series | None


class RunChange(BaseModel):
    """What a runner may change of a run: its words (at least one of them)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    description: Annotated[str, Field(max_length=10_000)] | None = None

    @model_validator(mode="after")
    def _something(self) -> RunChange:
        if not self.model_fields_set:
            raise ValueError("give at least one of title, description")
        if "title" in self.model_fields_set and self.title is None:
            raise ValueError("title cannot be null")
        return self
