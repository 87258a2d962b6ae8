"""A runner's data export: one route on every service, one shape for all (ARCHITECTURE.md §8).

Every service that keeps anything about a runner serves its part of "Download
my data" at :data:`EXPORT_PATH`; the dashboard asks each configured service
and zips the answers, one folder per service. Adding the route is one short
function::

    router = APIRouter(tags=["export"])

    @router.get(EXPORT_PATH, **EXPORT_ROUTE, response_model=RunnerExport[MailerExport])
    async def export_runner_data(
        runner_id: ExportedRunner, context: ReadContextDep
    ) -> RunnerExport[MailerExport]:
        return RunnerExport.of("mailer", runner_id, await service.export(context, runner_id))

:data:`ExportedRunner` decides who may export whom: the runner themselves (a
runner's token whose subject is the id; another runner gets 403), or a caller
holding the scope :data:`EXPORT_SCOPE` (an operator's client) for anyone. It
also marks the answer ``Cache-Control: no-store``: personal data stays out of
every cache. ``files`` name further downloads (``href``: a path on the same
service, behind the same dependency, e.g. runs' regenerated GPX tracks).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Annotated, Any, Generic, TypeVar, cast

from fastapi import Depends, Path, Response
from pydantic import BaseModel, Field

from runnerly_kit.auth import CurrentClaims
from runnerly_kit.errors import Forbidden

#: The scope that lets a (service or operator) token export any runner's data.
EXPORT_SCOPE = "export"
#: The route every service serves.
EXPORT_PATH = "/v1/runners/{runner_id}/export"
#: Personal data: neither the browser nor a proxy may keep a copy.
NO_STORE = {"Cache-Control": "no-store"}

#: What every service's export route declares besides its response model.
EXPORT_ROUTE: dict[str, Any] = {
    "summary": "Everything this service keeps about a runner (their data export).",
    "responses": {
        403: {"description": "Another runner's data, or a token without `export`."},
        404: {"description": "No such runner (where the service keeps accounts: once deleted)."},
    },
}

D = TypeVar("D", bound=BaseModel)


class ExportFile(BaseModel):
    """A file that belongs to the export, downloaded from ``href`` (a path on the same service)."""

    #: The file's name in the archive, e.g. ``2026-05-01-<run id>.gpx``.
    name: str
    media_type: str
    href: str


class RunnerExport(BaseModel, Generic[D]):
    """One service's part of a runner's data export."""

    service: str
    runner_id: str
    exported_at: datetime
    #: Everything the service keeps about the runner, in its own words (never a secret).
    data: D
    files: list[ExportFile] = Field(default_factory=list)

    @classmethod
    def of(
        cls,
        service: str,
        runner_id: str,
        data: D,
        files: Iterable[ExportFile] = (),
        *,
        exported_at: datetime | None = None,
    ) -> RunnerExport[D]:
        """The export of ``runner_id`` by ``service``, stamped now unless told when."""
        # Parametrised by the data's own class: serialising through the bare
        # generic would dump the data as its bound (a model with no fields).
        model: type[RunnerExport[D]] = cast(Any, RunnerExport)[type(data)]
        return model(
            service=service,
            runner_id=runner_id,
            exported_at=exported_at or datetime.now(UTC),
            data=data,
            files=list(files),
        )


async def exported_runner(
    runner_id: Annotated[uuid.UUID, Path(description="The runner whose data is exported.")],
    claims: CurrentClaims,
    response: Response,
) -> str:
    """The runner whose data the caller may export, as a string; 403 for anyone else's."""
    own = claims.is_runner and claims.subject == str(runner_id)
    if not own and not claims.has_scope(EXPORT_SCOPE):
        if claims.is_runner:
            raise Forbidden("This belongs to another runner.")
        raise Forbidden(
            f"The scope {EXPORT_SCOPE!r} is required.",
            details={"required_scope": EXPORT_SCOPE},
            headers={
                "WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{EXPORT_SCOPE}"'
            },
        )
    response.headers.update(NO_STORE)
    return str(runner_id)


ExportedRunner = Annotated[str, Depends(exported_runner)]
"""The ``{runner_id}`` of the path, once the caller may export it (the answer is ``no-store``)."""
