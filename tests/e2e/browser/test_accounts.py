"""A new runner's account in the browser: sign up, the activation mail, log in, log out, delete."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from ..system import System
from .conftest import App

pytestmark = pytest.mark.slow

PASSWORD = "a long easy passphrase"
MAIL_LINK = re.compile(r"https?://\S+?/activate\?token=[A-Za-z0-9_\-]+")
#: What a bearer token (a JWT) looks like, wherever it might be kept.
JWT = re.compile(r"eyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.")


async def test_a_new_runner_signs_up_activates_from_the_mail_and_logs_in(
    app: App, system: System
) -> None:
    """Sign-up in the app, the activation link of the real email (caught by the sink) opened in
    the browser says "Account activated" and offers login; login lands on the home screen,
    and page script can read no token (HttpOnly session cookie, nothing in web storage)."""
    page = app.page
    await app.open("/signup")
    await app.heading("Sign up")
    await app.check_screen("sign-up")
    await page.get_by_label("Name", exact=True).fill("Ada Lovelace")
    await page.get_by_label("Email", exact=True).fill("ada.browser@example.org")
    await page.get_by_label("Password", exact=True).fill(PASSWORD)
    await page.get_by_role("button", name="Sign up", exact=True).click()
    await expect(page.get_by_role("status")).to_contain_text("ada.browser@example.org")

    mail = await system.mail_to("ada.browser@example.org")
    link = MAIL_LINK.search(mail.text)
    assert link is not None, mail.text
    assert link.group(0).startswith(f"{system.dashboard}/activate?token=")
    await page.goto(link.group(0))
    await app.heading("Account activated")
    await app.check_screen("account-activated")
    await page.get_by_role("main").get_by_role("link", name=re.compile("log in", re.I)).click()
    await app.heading("Log in")
    await app.check_screen("log-in")
    await page.get_by_label("Email", exact=True).fill("ada.browser@example.org")
    await page.get_by_label("Password", exact=True).fill(PASSWORD)
    await page.get_by_role("button", name="Log in", exact=True).click()
    await app.heading("Home")

    readable = await app.stored_tokens()
    cookies = await app.context.cookies()
    assert readable["cookie"] == ""  # the only cookie is HttpOnly
    assert not JWT.search(str(readable)), readable
    assert [(c["name"], c["httpOnly"], c["sameSite"]) for c in cookies] == [
        ("runnerly_session", True, "Lax")
    ]
    assert not JWT.search(cookies[0]["value"])  # an opaque id, not a token


async def test_sign_up_with_a_malformed_email_or_a_short_password_says_why_and_stores_nothing(
    app: App, system: System
) -> None:
    """A malformed email and a short password are refused next to their fields; no account is
    made (the token dealer knows no such runner)."""
    page = app.page
    await app.open("/signup")
    await page.get_by_label("Name", exact=True).fill("Bob")
    email = page.get_by_label("Email", exact=True)
    password = page.get_by_label("Password", exact=True)
    await email.fill("bob.at.example.org")
    await password.fill("short")
    await page.get_by_role("button", name="Sign up", exact=True).click()

    await expect(email).to_have_attribute("aria-invalid", "true")
    await expect(email).to_have_accessible_description(re.compile("email", re.I))
    await expect(password).to_have_attribute("aria-invalid", "true")
    await expect(password).to_have_accessible_description(re.compile(r"\d+ characters", re.I))
    await app.screenshot("sign-up-invalid")
    login = await system.login("bob.at.example.org", "short")
    assert login.status_code == 400
    assert "not active" not in login.text  # unknown, not "waiting for activation"


async def test_a_runner_logs_out_then_deletes_their_account_with_their_password(
    app: App, system: System
) -> None:
    """Log out ends the session (the home screen asks to log in again); deleting the account
    asks for the password again, then the runner can no longer log in."""
    await system.signed_up("cleo@example.org", PASSWORD, name="Cleo")
    page = app.page
    await app.log_in("cleo@example.org", PASSWORD)

    await page.get_by_role("button", name="Log out", exact=True).click()
    await app.heading("Log in")
    await app.open("/")
    await app.heading("Log in")  # the session is gone, not only the screen

    await app.log_in("cleo@example.org", PASSWORD)
    await app.nav("Settings")
    page.on("dialog", lambda dialog: dialog.accept())  # a confirmation, if the app asks one
    delete = page.get_by_role("button", name="Delete account", exact=True)
    deletion = page.locator("form").filter(has=delete)  # the settings screen has many forms
    password = deletion.get_by_label("Password", exact=True)
    await password.fill("not my password at all")
    await delete.click()
    # Said next to the field (its description), or as the form's message: about the password.
    refusal = deletion.locator("[aria-invalid=true]").or_(deletion.get_by_role("alert"))
    await expect(refusal.first).to_be_visible()
    said = await refusal.first.evaluate(
        "e => e.getAttribute('role') === 'alert' ? e.textContent : "
        "(e.getAttribute('aria-describedby') || '').split(' ')"
        ".map(id => document.getElementById(id)?.textContent || '').join(' ')"
    )
    assert re.search(r"password", said, re.I), said
    assert re.search(r"wrong|incorrect|match|invalid|not right", said, re.I), said
    await app.screenshot("settings-delete-refused")
    assert (await system.login("cleo@example.org", PASSWORD)).status_code == 200  # still there

    await password.fill(PASSWORD)
    await delete.click()
    await app.heading("Account deleted")
    await expect(page).to_have_url(f"{system.dashboard}/account-deleted")
    refused = await system.login("cleo@example.org", PASSWORD)
    assert refused.status_code == 400, refused.text
