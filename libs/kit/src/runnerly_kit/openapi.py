"""The OpenAPI document every service serves: 3.1, stable operation ids, errors documented.

Every operation gets a ``default`` response with the error envelope, so a
client (and schemathesis) knows the shape of any error a route may return.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel


class ErrorDetail(BaseModel):
    """What went wrong: a stable machine code, a sentence for people, optional details."""

    code: str
    message: str
    details: Any = None


class ErrorBody(BaseModel):
    """The JSON body of every error response."""

    error: ErrorDetail


_ERROR_REF = {"$ref": "#/components/schemas/ErrorBody"}


def install_openapi(app: FastAPI) -> None:
    """Generate the document once, with the error envelope on every operation."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
            tags=app.openapi_tags,
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        error_schema = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(error_schema.pop("$defs", {}))
        components["ErrorBody"] = error_schema
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                operation.setdefault("responses", {}).setdefault(
                    "default",
                    {
                        "description": "An error, as the JSON envelope.",
                        "content": {"application/json": {"schema": _ERROR_REF}},
                    },
                )
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
