"""The operator's API: dead emails listed and retried, behind the mailer:admin scope."""

from __future__ import annotations

import uuid

from runnerly_mailer.models import EmailStatus
from runnerly_tokendealer.testing import LocalTokenDealer

from .smtp_sink import SmtpSink
from .support import Mailer, command, eventually


async def test_a_dead_email_is_listed_and_sent_again_on_retry(
    admin_mailer: Mailer, smtp_sink: SmtpSink, operator_headers: dict[str, str]
) -> None:
    """Dead after max_attempts, it shows in ?status=dead; POST retry sends it once SMTP is back."""
    mailer = admin_mailer
    smtp_sink.stop()
    envelope = command()
    await mailer.publish(envelope)

    async def dead() -> bool:
        email = await mailer.email_of(envelope)
        return email is not None and email.status == EmailStatus.dead

    await eventually(dead, "the email was given up on")
    listed = await mailer.http.get(
        "/v1/emails", params={"status": "dead"}, headers=operator_headers
    )
    assert listed.status_code == 200
    [item] = listed.json()["items"]
    assert item["recipient"] == "ada@example.org"
    assert item["template"] == "activation"
    assert item["status"] == "dead"
    assert item["attempts"] == 3
    assert "SMTPConnectError" in item["last_error"]
    assert "data" not in item
    assert listed.json()["next_cursor"] is None

    smtp_sink.start()
    retried = await mailer.http.post(f"/v1/emails/{item['id']}/retry", headers=operator_headers)
    assert retried.status_code == 200
    assert retried.json()["status"] == "queued"
    assert retried.json()["attempts"] == 0
    await eventually(lambda: _count(smtp_sink, 1), "the retried email was delivered")

    again = await mailer.http.post(f"/v1/emails/{item['id']}/retry", headers=operator_headers)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "conflict"
    none_dead = await mailer.http.get(
        "/v1/emails", params={"status": "dead"}, headers=operator_headers
    )
    assert none_dead.json()["items"] == []
    assert len(smtp_sink.messages) == 1


async def test_retrying_an_unknown_email_is_404(
    admin_mailer: Mailer, operator_headers: dict[str, str]
) -> None:
    """An id the mailer never stored is not found."""
    response = await admin_mailer.http.post(
        f"/v1/emails/{uuid.uuid4()}/retry", headers=operator_headers
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


async def test_the_list_pages_with_a_cursor(
    admin_mailer: Mailer, operator_headers: dict[str, str]
) -> None:
    """Five dead emails come back two by two, in arrival order, each exactly once."""
    envelopes = [command("no_such_template", recipient=f"r{i}@example.org") for i in range(5)]
    for envelope in envelopes:
        await admin_mailer.publish(envelope)

    async def stored() -> bool:
        return len(await admin_mailer.emails()) == 5

    await eventually(stored, "the five commands were stored")
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        params = {"status": "dead", "limit": "2", **({"cursor": cursor} if cursor else {})}
        page = await admin_mailer.http.get("/v1/emails", params=params, headers=operator_headers)
        assert page.status_code == 200
        seen += [item["recipient"] for item in page.json()["items"]]
        pages += 1
        cursor = page.json()["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert seen == [f"r{i}@example.org" for i in range(5)]

    queued = await admin_mailer.http.get(
        "/v1/emails", params={"status": "queued"}, headers=operator_headers
    )
    assert queued.json()["items"] == []
    bad = await admin_mailer.http.get(
        "/v1/emails", params={"cursor": "not-a-cursor"}, headers=operator_headers
    )
    assert bad.status_code == 400


async def test_the_operator_api_needs_the_mailer_admin_scope(
    admin_mailer: Mailer, tokendealer: LocalTokenDealer
) -> None:
    """No token is 401; a valid token without mailer:admin is 403, on both endpoints."""
    other = {"Authorization": f"Bearer {await tokendealer.service_token('runs')}"}
    email_id = uuid.uuid4()

    assert (await admin_mailer.http.get("/v1/emails")).status_code == 401
    assert (await admin_mailer.http.post(f"/v1/emails/{email_id}/retry")).status_code == 401
    forged = {"Authorization": "Bearer not.a.token"}
    assert (await admin_mailer.http.get("/v1/emails", headers=forged)).status_code == 401
    listed = await admin_mailer.http.get("/v1/emails", headers=other)
    assert listed.status_code == 403
    assert listed.json()["error"]["details"] == {"required_scope": "mailer:admin"}
    retried = await admin_mailer.http.post(f"/v1/emails/{email_id}/retry", headers=other)
    assert retried.status_code == 403


async def _count(sink: SmtpSink, n: int) -> bool:
    return len(sink.messages) >= n
