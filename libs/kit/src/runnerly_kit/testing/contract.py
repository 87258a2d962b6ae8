"""Contract tests: a running service checked against its own OpenAPI document with schemathesis.

Every service's test suite serves its app on loopback and calls::

    await check_contract(base_url, headers={"Authorization": f"Bearer {token}"})

The document must be OpenAPI 3.1 with a unique ``operationId`` on every
operation (generated clients depend on them). Then, for every operation,
schemathesis generates requests from the schema -- valid ones, then
(unless ``negative=False``) invalid ones -- sends them and fails on:

- any 5xx answer;
- a status code the operation does not document;
- a body that does not match the documented schema, or an undocumented
  content type or missing documented header;
- with ``reject_invalid=True``, invalid input that the service accepted (2xx).

Runs are derandomized, so a failure reproduces on the next run; each failure
is reported with a ``curl`` line that replays it. schemathesis and hypothesis
are test-only dependencies (the workspace's dev group), as is this module.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import APIOperation, BaseSchema, Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Err
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})

#: What every response is checked for, valid or invalid request.
RESPONSE_CHECKS = (
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
)


class ContractError(AssertionError):
    """The service breaks its own OpenAPI contract; the message lists every violation."""


def check_openapi_document(document: Mapping[str, Any]) -> None:
    """Assert the document is OpenAPI 3.1 and every operation has a unique ``operationId``."""
    version = str(document.get("openapi", ""))
    if not version.startswith("3.1."):
        raise ContractError(f"the document is OpenAPI {version or '(none)'}, not 3.1")
    ids: Counter[str] = Counter()
    missing: list[str] = []
    for path, path_item in document.get("paths", {}).items():
        for method, operation in path_item.items():
            if method not in HTTP_METHODS:
                continue  # "parameters", "summary"... belong to the path, not an operation
            operation_id = operation.get("operationId")
            if operation_id:
                ids[operation_id] += 1
            else:
                missing.append(f"{method.upper()} {path}")
    problems = [f"{label} has no operationId" for label in missing]
    problems += [f"operationId {name!r} is used {n} times" for name, n in ids.items() if n > 1]
    if problems:
        raise ContractError("; ".join(problems))


async def check_contract(
    base_url: str,
    *,
    headers: Mapping[str, str] | None = None,
    max_examples: int = 25,
    exclude_operations: Collection[str] = (),
    negative: bool = True,
    reject_invalid: bool = False,
    request_timeout: float = 10.0,
) -> None:
    """Fuzz every operation of the service at ``base_url`` against its ``/openapi.json``.

    ``headers`` are sent with every request (e.g. a bearer token);
    ``exclude_operations`` names operation ids not to exercise (each must
    exist); ``max_examples`` bounds the requests per operation and mode;
    ``negative`` adds invalid requests, which must not get a 5xx;
    ``reject_invalid`` also fails when one gets a 2xx (pydantic's lax mode
    accepts ``true`` or ``"5"`` for an integer: use strict models for that).
    Raises :class:`ContractError` listing every operation that failed.

    schemathesis and its HTTP client are synchronous, so they run in a worker
    thread while the service keeps answering on the test's event loop.
    """
    await asyncio.to_thread(
        _check_contract,
        base_url,
        headers=headers,
        max_examples=max_examples,
        exclude_operations=exclude_operations,
        negative=negative,
        reject_invalid=reject_invalid,
        request_timeout=request_timeout,
    )


def check_contract_sync(
    base_url: str,
    *,
    headers: Mapping[str, str] | None = None,
    max_examples: int = 25,
    exclude_operations: Collection[str] = (),
    negative: bool = True,
    reject_invalid: bool = False,
    request_timeout: float = 10.0,
) -> None:
    """:func:`check_contract` for a service running elsewhere (another thread or process)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass  # no loop in this thread: blocking is fine
    else:
        # A server on this thread's loop could not answer while we block it.
        raise RuntimeError("inside an event loop: use `await check_contract(...)`")
    _check_contract(
        base_url,
        headers=headers,
        max_examples=max_examples,
        exclude_operations=exclude_operations,
        negative=negative,
        reject_invalid=reject_invalid,
        request_timeout=request_timeout,
    )


def _check_contract(
    base_url: str,
    *,
    headers: Mapping[str, str] | None,
    max_examples: int,
    exclude_operations: Collection[str],
    negative: bool,
    reject_invalid: bool,
    request_timeout: float,
) -> None:
    base_url = base_url.rstrip("/")
    sent_headers = dict(headers or {})
    response = httpx.get(f"{base_url}/openapi.json", headers=sent_headers, timeout=request_timeout)
    response.raise_for_status()
    document = response.json()
    check_openapi_document(document)
    operation_ids = {
        operation["operationId"]
        for path_item in document.get("paths", {}).values()
        for method, operation in path_item.items()
        if method in HTTP_METHODS
    }
    unknown = set(exclude_operations) - operation_ids
    if unknown:
        raise ContractError(f"excluded operations not in the document: {sorted(unknown)}")

    schema: BaseSchema = schemathesis.openapi.from_dict(document)
    if exclude_operations:
        schema = schema.exclude(operation_id=sorted(exclude_operations))
    modes = [GenerationMode.POSITIVE] + ([GenerationMode.NEGATIVE] if negative else [])
    failures: list[str] = []
    with requests.Session() as session:
        call = _Call(base_url, session, sent_headers, request_timeout)
        for result in schema.get_all_operations():
            if isinstance(result, Err):
                failures.append(f"an operation cannot be read: {result.err()}")
                continue
            operation = result.ok()
            for mode in modes:
                try:
                    _fuzz(operation, mode, call, max_examples, reject_invalid)()
                except Unsatisfiable as error:
                    # Nothing about the operation can be made invalid (no parameters,
                    # no body, or only unconstrained strings): no negative cases to run.
                    if mode is GenerationMode.POSITIVE:
                        failures.append(f"{operation.label}: no valid request can be made: {error}")
                # schemathesis reports check failures as a BaseExceptionGroup (FailureGroup);
                # each one is collected, then all are reported together.
                except (Exception, BaseExceptionGroup) as error:
                    failures.append(f"{operation.label} ({mode.value} cases):\n{_explain(error)}")
    if failures:
        raise ContractError(f"{len(failures)} contract failure(s)\n\n" + "\n\n".join(failures))


def _explain(error: BaseException) -> str:
    """The error and, for a group (schemathesis' failures, Hypothesis' "flaky"), every leaf.

    A group's own message says only how many there are; the leaves say what failed.
    """
    if not isinstance(error, BaseExceptionGroup):
        return f"{type(error).__name__}: {error}"
    leaves = "\n".join(
        "  - " + _explain(inner).replace("\n", "\n    ") for inner in error.exceptions
    )
    return f"{error.message}\n{leaves}"


@dataclass(frozen=True)
class _Call:
    """How each generated case is sent."""

    base_url: str
    session: requests.Session
    headers: dict[str, str]
    timeout: float


def _fuzz(
    operation: APIOperation[Any, Any, Any, Any],
    mode: GenerationMode,
    call: _Call,
    max_examples: int,
    reject_invalid: bool,
) -> Callable[[], None]:
    checks = list(RESPONSE_CHECKS)
    if mode is GenerationMode.NEGATIVE and reject_invalid:
        checks.append(negative_data_rejection)

    @settings(
        max_examples=max_examples,
        deadline=None,  # loopback latency is not part of the contract
        database=None,  # nothing written to .hypothesis/ in the service's folder
        derandomize=True,  # the same cases on every run: a failure reproduces
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Case[Any]) -> None:
        case.call_and_validate(
            base_url=call.base_url,
            session=call.session,
            headers=call.headers,
            checks=checks,
            timeout=call.timeout,
        )

    return run
