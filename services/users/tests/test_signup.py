"""Sign-up, activation by the mailed link, and the login check that follows."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

from sqlalchemy import func, select, update

from runnerly_kit.columns import utcnow
from runnerly_kit.events.tables import OutboxMessage
from runnerly_users.models import OneTimeToken, User
from runnerly_users.one_time import hash_token

from .support import PASSWORD, SEND_EMAIL, Stack, token_of, unique_email


async def _accounts(stack: Stack, email: str | None = None) -> int:
    query = select(func.count()).select_from(User)
    if email is not None:
        query = query.where(User.email == email)
    async with stack.runtime.db.transaction(write=False) as session:
        return int(await session.scalar(query) or 0)


async def test_sign_up_activate_then_log_in(stack: Stack) -> None:
    """Sign-up mails an activation link whose token activates the account; then the login works."""
    email = unique_email()

    response = await stack.sign_up(email)

    assert response.status_code == 202
    mail = await stack.mailbox.email(email, "activation")
    link = str(mail.data["data"]["link"])
    assert link.startswith("http://dashboard.test:8700/activate?token=")
    assert mail.data["data"]["name"] == "Ada Runner"
    assert mail.source == "users"
    user_id = mail.subject
    assert user_id is not None
    await stack.mailbox.wait_for("users.user.registered.v1", user_id=user_id)
    assert (await stack.check(email, PASSWORD)).json()["error"]["code"] == "account_inactive"

    activated = await stack.http.post("/v1/activations", json={"token": token_of(mail)})

    assert activated.status_code == 204
    await stack.mailbox.wait_for("users.user.activated.v1", user_id=user_id)
    login = await stack.check(email.upper(), PASSWORD)
    assert login.status_code == 200
    assert login.json() == {"verdict": "accepted", "user_id": user_id, "scopes": ["runner"]}


async def test_a_known_email_gets_the_same_answer_and_an_account_exists_mail(stack: Stack) -> None:
    """Signing up again, in any case, answers the same 202, mails account_exists, adds no row."""
    email = unique_email()
    first = await stack.sign_up(email)
    await stack.mailbox.email(email, "activation")

    again = await stack.sign_up(f"  {email.upper()} ", password="another fine passphrase")

    assert again.status_code == first.status_code == 202
    assert again.json() == first.json()
    mail = await stack.mailbox.email(email, "account_exists")
    assert mail.data["data"]["login_link"] == "http://dashboard.test:8700/login"
    assert mail.data["data"]["reset_link"] == "http://dashboard.test:8700/reset-password"
    assert await _accounts(stack, email) == 1
    assert stack.mailbox.count(SEND_EMAIL, recipient=email, template="activation") == 1
    # The first password still logs in once activated: nothing was changed.
    assert (await stack.check(email, "another fine passphrase")).json()[
        "verdict"
    ] == "wrong_credentials"


async def test_concurrent_sign_ups_with_one_email_make_one_account(stack: Stack) -> None:
    """Two sign-ups racing for one address both get 202; one account, one of each email."""
    email = unique_email()

    first, second = await asyncio.gather(stack.sign_up(email), stack.sign_up(email.upper()))

    assert first.status_code == second.status_code == 202
    await stack.mailbox.email(email, "activation")
    await stack.mailbox.email(email, "account_exists")
    assert await _accounts(stack, email) == 1


BAD_SIGN_UPS = {
    "too-short": ("short.{u}@example.org", "2short!"),
    "common": ("common.{u}@example.org", "password123"),
    "common-any-case": ("common2.{u}@example.org", "QWERTYUIOP"),
    "one-character": ("repeat.{u}@example.org", "aaaaaaaaaaaa"),
    "contains-email": ("marathoner.{u}@example.org", "my-marathoner.{u}-secret"),
    "malformed-email": ("not-an-email-{u}", "a perfectly good passphrase"),
    "email-without-domain-dot": ("{u}@nodot", "a perfectly good passphrase"),
    "too-long": ("long.{u}@example.org", "x" * 129),
}


async def test_bad_sign_ups_are_refused_and_store_nothing(stack: Stack) -> None:
    """A weak, common or email-containing password, or a malformed email: 422, no account."""
    for case, (email, password) in BAD_SIGN_UPS.items():
        tag = uuid.uuid4().hex[:10]

        response = await stack.sign_up(email.format(u=tag), password.format(u=tag))

        assert response.status_code == 422, case
        assert response.json()["error"]["code"] in {"invalid_input", "weak_password"}, case
    assert await _accounts(stack) == 0
    async with stack.runtime.db.transaction(write=False) as session:
        assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


async def test_an_expired_activation_token_changes_nothing(stack: Stack) -> None:
    """A token past its expiry is refused with 400 and the account stays inactive."""
    email = unique_email()
    user_id, token = await stack.signed_up(email)
    async with stack.runtime.db.transaction() as session:
        await session.execute(
            update(OneTimeToken)
            .where(OneTimeToken.token_hash == hash_token(token))
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )

    response = await stack.http.post("/v1/activations", json={"token": token})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_or_expired_token"
    async with stack.runtime.db.transaction(write=False) as session:
        user = await session.get(User, user_id)
        assert user is not None
        assert not user.is_active


async def test_an_activation_token_works_once(stack: Stack) -> None:
    """The second use of an activation token is refused; an unknown token too."""
    email = unique_email()
    _, token = await stack.signed_up(email)
    assert (await stack.http.post("/v1/activations", json={"token": token})).status_code == 204

    again = await stack.http.post("/v1/activations", json={"token": token})
    unknown = await stack.http.post("/v1/activations", json={"token": "x" * 43})

    assert again.status_code == unknown.status_code == 400
    assert again.json()["error"]["code"] == "invalid_or_expired_token"


async def test_resending_replaces_the_activation_link(stack: Stack) -> None:
    """Resend mails a new link that works and the old one stops; unknown emails get the same 202."""
    email = unique_email()
    _, old = await stack.signed_up(email)

    resent = await stack.http.post("/v1/activations/resend", json={"email": email})
    unknown = await stack.http.post("/v1/activations/resend", json={"email": unique_email()})

    assert resent.status_code == unknown.status_code == 202
    assert resent.json() == unknown.json()
    mails = await stack.mailbox.wait_for_all(2, SEND_EMAIL, recipient=email, template="activation")
    new = token_of(mails[1])
    assert (await stack.http.post("/v1/activations", json={"token": old})).status_code == 400
    assert (await stack.http.post("/v1/activations", json={"token": new})).status_code == 204
