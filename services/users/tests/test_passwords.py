"""Password reset by a mailed link: a new password, and every session of the runner ends."""

from __future__ import annotations

from .support import PASSWORD, Stack, token_of, unique_email

NEW_PASSWORD = "a brand new passphrase"


async def test_a_reset_sets_the_new_password_and_publishes_password_reset(stack: Stack) -> None:
    """The link's token sets the password once; users.password.reset.v1 names the runner."""
    email = unique_email()
    user_id = await stack.active_runner(email)

    asked = await stack.http.post("/v1/password-resets", json={"email": email.upper()})

    assert asked.status_code == 202
    mail = await stack.mailbox.email(email, "password_reset")
    assert str(mail.data["data"]["link"]).startswith("http://dashboard.test:8700/reset-password?")
    token = token_of(mail)

    done = await stack.http.post(
        "/v1/password-resets/confirm", json={"token": token, "password": NEW_PASSWORD}
    )

    assert done.status_code == 204
    event = await stack.mailbox.wait_for("users.password.reset.v1", user_id=user_id)
    assert event.subject == user_id
    # A reset keeps no session: every one of the runner's ends.
    assert event.data == {"user_id": user_id, "kept_session_id": None}
    assert (await stack.check(email, PASSWORD)).json()["verdict"] == "wrong_credentials"
    assert (await stack.check(email, NEW_PASSWORD)).json()["user_id"] == user_id
    again = await stack.http.post(
        "/v1/password-resets/confirm", json={"token": token, "password": "yet another passphrase"}
    )
    assert again.status_code == 400
    assert (await stack.check(email, NEW_PASSWORD)).status_code == 200


async def test_an_unknown_email_gets_the_same_answer(stack: Stack) -> None:
    """Asking a reset for an address without an account answers exactly as for a known one."""
    email = unique_email()
    await stack.active_runner(email)

    known = await stack.http.post("/v1/password-resets", json={"email": email})
    unknown = await stack.http.post("/v1/password-resets", json={"email": unique_email()})

    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()


async def test_a_weak_new_password_is_refused_and_the_token_still_works(stack: Stack) -> None:
    """The reset follows the sign-up rules; a refused attempt does not use the token up."""
    email = unique_email()
    await stack.active_runner(email)
    await stack.http.post("/v1/password-resets", json={"email": email})
    token = token_of(await stack.mailbox.email(email, "password_reset"))

    weak = await stack.http.post(
        "/v1/password-resets/confirm", json={"token": token, "password": "iloveyou1"}
    )
    with_email = await stack.http.post(
        "/v1/password-resets/confirm",
        json={"token": token, "password": f"x-{email.split('@')[0]}-x"},
    )

    assert weak.status_code == with_email.status_code == 422
    assert weak.json()["error"]["code"] == "weak_password"
    assert (await stack.check(email, PASSWORD)).status_code == 200
    done = await stack.http.post(
        "/v1/password-resets/confirm", json={"token": token, "password": NEW_PASSWORD}
    )
    assert done.status_code == 204
