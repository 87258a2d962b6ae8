"""A start-up refused for a setting ends with one line naming the variable, not a traceback.

The framework reports a failed start-up by sending the server the whole
traceback, which the server logs. For a :class:`~runnerly_kit.settings.SettingsError`
(a wrong key-encryption secret found when the keys are first read, say) the
traceback says nothing the message does not: the operator needs the variable
to fix, so that is all the server is given.
"""

from __future__ import annotations

import sys

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from runnerly_kit.settings import SettingsError


async def lifespan_with_one_line_refusals(
    app: ASGIApp, scope: Scope, receive: Receive, send: Send
) -> None:
    """Run the ``lifespan`` scope through ``app``; a start-up failed by a ``SettingsError``
    is reported as its message.

    Called by the kit's request middleware for the lifespan scope only, so
    requests pay nothing for it.
    """

    async def send_one_line(message: Message) -> None:
        if message["type"] == "lifespan.startup.failed":
            # Sent from inside the framework's ``except`` block: the error is the current one.
            refusal = _settings_error(sys.exc_info()[1])
            if refusal is not None:
                message = {**message, "message": str(refusal)}
        await send(message)

    await app(scope, receive, send_one_line)


def _settings_error(error: BaseException | None) -> SettingsError | None:
    while error is not None:
        if isinstance(error, SettingsError):
            return error
        error = error.__cause__ or error.__context__
    return None
