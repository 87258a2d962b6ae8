"""The mailer's part of "Download my data": the emails about the runner, never their links."""

from __future__ import annotations

import uuid

import httpx

from runnerly_contracts.users import UserDeleted
from runnerly_kit.columns import utcnow
from runnerly_kit.events import Envelope
from runnerly_mailer.models import EmailStatus
from runnerly_tokendealer.testing import LocalTokenDealer

from .smtp_sink import SmtpSink
from .support import LINK, Mailer, command, eventually


def _runner(tokendealer: LocalTokenDealer, runner: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokendealer.runner_token(runner)}"}


async def _export(mailer: Mailer, runner: str, headers: dict[str, str]) -> httpx.Response:
    return await mailer.http.get(f"/v1/runners/{runner}/export", headers=headers)


async def test_the_runner_gets_every_email_about_them_and_no_link(
    admin_mailer: Mailer, tokendealer: LocalTokenDealer
) -> None:
    """A sent and a dead email about the runner, with kind, subject line, address, status and
    times; another runner's email is not there; no link in the body; not cacheable."""
    runner = str(uuid.uuid4())
    sent = command(about=runner)
    dead = command("no_such_template", about=runner)
    queued_link = f"http://127.0.0.1:8700/reset-password?token={uuid.uuid4().hex}"
    others = command("password_reset", "else@example.org", name="Eve", link=queued_link)
    for envelope in (sent, dead, others):
        await admin_mailer.publish(envelope)
    await admin_mailer.settled(sent, EmailStatus.sent)
    await admin_mailer.settled(dead, EmailStatus.dead)
    await admin_mailer.settled(others, EmailStatus.sent)

    response = await _export(admin_mailer, runner, _runner(tokendealer, runner))

    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert (body["service"], body["runner_id"], body["files"]) == ("mailer", runner, [])
    emails = {email["kind"]: email for email in body["data"]["emails"]}
    assert set(emails) == {"activation", "no_such_template"}
    activation = emails["activation"]
    assert activation["subject"] == "Activate your Runnerly account"
    assert activation["recipient"] == "ada@example.org"
    assert (activation["status"], activation["attempts"]) == ("sent", 1)
    assert activation["sent_at"] is not None
    assert emails["no_such_template"]["status"] == "dead"
    assert emails["no_such_template"]["subject"] is None
    assert "unknown template" in emails["no_such_template"]["last_error"]
    assert "token=" not in response.text
    assert LINK not in response.text
    assert "else@example.org" not in response.text


async def test_an_unsent_emails_link_is_not_exported(
    admin_mailer: Mailer, tokendealer: LocalTokenDealer, smtp_sink: SmtpSink
) -> None:
    """An email the mailer could not send keeps its one-time link; the export shows the email
    and its error, never the link."""
    smtp_sink.stop()
    runner = str(uuid.uuid4())
    link = f"http://127.0.0.1:8700/activate?token={uuid.uuid4().hex}"
    envelope = command(about=runner, name="Ada", link=link)
    await admin_mailer.publish(envelope)

    async def tried() -> bool:
        email = await admin_mailer.email_of(envelope)
        return email is not None and email.attempts > 0

    await eventually(tried, "a first delivery attempt failed")
    stored = await admin_mailer.email_of(envelope)
    assert stored is not None
    assert stored.data["link"] == link  # kept for the next attempt

    response = await _export(admin_mailer, runner, _runner(tokendealer, runner))

    assert response.status_code == 200
    [email] = response.json()["data"]["emails"]
    assert email["status"] in {"queued", "dead"}
    assert email["last_error"]
    assert link not in response.text


async def test_another_runner_and_a_scopeless_service_get_403(
    admin_mailer: Mailer, tokendealer: LocalTokenDealer
) -> None:
    """Someone else's export is refused to a runner and to a token without the export scope."""
    owner = str(uuid.uuid4())
    envelope = command(about=owner)
    await admin_mailer.publish(envelope)
    await admin_mailer.settled(envelope, EmailStatus.sent)
    service = {"Authorization": f"Bearer {await tokendealer.service_token('runs')}"}

    by_runner = await _export(admin_mailer, owner, _runner(tokendealer, str(uuid.uuid4())))
    by_service = await _export(admin_mailer, owner, service)

    assert by_runner.status_code == by_service.status_code == 403
    assert "ada@example.org" not in by_runner.text


async def test_an_exporter_reads_anyone_and_a_deleted_runner_leaves_nothing(
    admin_mailer: Mailer, tokendealer: LocalTokenDealer
) -> None:
    """A token with scope export reads a runner's emails; after users.user.deleted.v1, none."""
    runner = str(uuid.uuid4())
    envelope = command(about=runner)
    await admin_mailer.publish(envelope)
    await admin_mailer.settled(envelope, EmailStatus.sent)
    exporter = {"Authorization": f"Bearer {await tokendealer.service_token('exporter')}"}
    before = await _export(admin_mailer, runner, exporter)
    assert before.status_code == 200
    assert len(before.json()["data"]["emails"]) == 1

    await admin_mailer.publish(
        Envelope(
            id=uuid.uuid4(),
            type=UserDeleted.event_type,
            occurred_at=utcnow(),
            source="users",
            subject=runner,
            data=UserDeleted(user_id=runner).model_dump(mode="json"),
        )
    )

    async def forgotten() -> bool:
        response = await _export(admin_mailer, runner, exporter)
        return response.status_code == 200 and response.json()["data"]["emails"] == []

    await eventually(forgotten, "the deleted runner's emails were forgotten")
