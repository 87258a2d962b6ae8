"""A runner's own profile: read, change within the ranges, never another runner's."""

from __future__ import annotations

from typing import Any

from .support import PASSWORD, Stack, token_of, unique_email


async def test_a_runner_reads_and_changes_their_profile(stack: Stack) -> None:
    """GET and PATCH work on one's own id and on /me; the change is published by field name."""
    email = unique_email()
    user_id = await stack.active_runner(email)
    headers = stack.runner_headers(user_id)

    profile = await stack.http.get(f"/v1/runners/{user_id}", headers=headers)
    assert profile.status_code == 200
    assert profile.json()["email"] == email
    assert profile.json()["units"] == "km"
    assert profile.json()["email_preferences"] == {"monthly_report": True}

    change = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "birth_year": 1985,
        "sex": 2,
        "weight_kg": 58.5,
        "max_heart_rate": 188,
        "resting_heart_rate": 48,
        "vo2max": 52.1,
        "home": {"place": "Lyon", "latitude": 45.76, "longitude": 4.84},
        "units": "miles",
        "time_zone": "Europe/Paris",
        "email_preferences": {"monthly_report": False},
    }
    updated = await stack.http.patch(f"/v1/runners/{user_id}", json=change, headers=headers)

    assert updated.status_code == 200, updated.text
    for key, value in change.items():
        assert updated.json()[key] == value
    me = await stack.http.get("/v1/runners/me", headers=headers)
    assert me.json() == updated.json()
    event = await stack.mailbox.wait_for("users.profile.updated.v1", user_id=user_id)
    assert "time_zone" in event.data["fields"]
    assert "monthly_report" in event.data["fields"]

    cleared = await stack.http.patch("/v1/runners/me", json={"home": None}, headers=headers)
    assert cleared.json()["home"] is None
    assert cleared.json()["units"] == "miles"


async def test_another_runners_profile_is_forbidden(stack: Stack) -> None:
    """Reading, changing or deleting another runner's id is 403; a service token is refused too."""
    owner = await stack.active_runner(unique_email())
    intruder = stack.runner_headers(await stack.active_runner(unique_email()))

    read = await stack.http.get(f"/v1/runners/{owner}", headers=intruder)
    write = await stack.http.patch(f"/v1/runners/{owner}", json={"name": "X"}, headers=intruder)
    delete = await stack.http.delete(f"/v1/runners/{owner}", headers=intruder)
    email = await stack.http.post(
        f"/v1/runners/{owner}/email", json={"email": unique_email()}, headers=intruder
    )
    service = await stack.http.get(f"/v1/runners/{owner}", headers=await stack.service_headers())

    assert read.status_code == write.status_code == delete.status_code == 403
    assert email.status_code == service.status_code == 403
    mine = await stack.http.get(f"/v1/runners/{owner}", headers=stack.runner_headers(owner))
    assert mine.json()["name"] == "Ada Runner"


BAD_CHANGES: list[dict[str, Any]] = [
    {"birth_year": 1899},
    {"birth_year": 3000},
    {"max_heart_rate": 251},
    {"resting_heart_rate": 29},
    {"max_heart_rate": 150, "resting_heart_rate": 150},
    {"resting_heart_rate": 200},
    {"weight_kg": 5},
    {"vo2max": 150},
    {"sex": 3},
    {"units": "feet"},
    {"time_zone": "Mars/Olympus_Mons"},
    {"time_zone": "../etc/passwd"},
    {"home": {"place": "Lyon", "latitude": 45.7}},
    {"home": {"place": "Lyon", "latitude": 91, "longitude": 0}},
    {"name": None},
    {"name": ""},
    {"email": "new@example.org"},
    {"favourite_colour": "blue"},
]


async def test_bad_profile_values_are_refused_and_change_nothing(stack: Stack) -> None:
    """Out-of-range or malformed fields get the 422 envelope and leave the profile as it was."""
    user_id = await stack.active_runner(unique_email())
    headers = stack.runner_headers(user_id)
    await stack.http.patch("/v1/runners/me", json={"max_heart_rate": 190}, headers=headers)
    before = (await stack.http.get("/v1/runners/me", headers=headers)).json()

    # One runner for every case: each refused change must leave the same profile.
    for change in BAD_CHANGES:
        response = await stack.http.patch(f"/v1/runners/{user_id}", json=change, headers=headers)

        assert response.status_code == 422, change
        assert response.json()["error"]["code"] == "invalid_input", change
        assert (await stack.http.get("/v1/runners/me", headers=headers)).json() == before


async def test_changing_the_email_needs_the_new_address_confirmed(stack: Stack) -> None:
    """The link goes to the new address; until it is followed the old email stays in use."""
    old, new = unique_email(), unique_email("moved")
    user_id = await stack.active_runner(old)
    headers = stack.runner_headers(user_id)

    asked = await stack.http.post(
        f"/v1/runners/{user_id}/email", json={"email": new.upper()}, headers=headers
    )

    assert asked.status_code == 202
    mail = await stack.mailbox.email(new, "email_change")
    assert str(mail.data["data"]["link"]).startswith("http://dashboard.test:8700/confirm-email?")
    assert (await stack.check(old, PASSWORD)).status_code == 200

    confirmed = await stack.http.post("/v1/email-changes/confirm", json={"token": token_of(mail)})

    assert confirmed.status_code == 204
    assert (await stack.http.get("/v1/runners/me", headers=headers)).json()["email"] == new
    assert (await stack.check(new, PASSWORD)).json()["user_id"] == user_id
    assert (await stack.check(old, PASSWORD)).json()["verdict"] == "wrong_credentials"
    again = await stack.http.post("/v1/email-changes/confirm", json={"token": token_of(mail)})
    assert again.status_code == 400


async def test_an_email_taken_meanwhile_is_refused_at_confirmation(stack: Stack) -> None:
    """If another account has the new address by then, confirming is 409 and nothing changes."""
    old, taken = unique_email(), unique_email("taken")
    user_id = await stack.active_runner(old)
    headers = stack.runner_headers(user_id)
    await stack.http.post(f"/v1/runners/{user_id}/email", json={"email": taken}, headers=headers)
    mail = await stack.mailbox.email(taken, "email_change")
    await stack.active_runner(taken)

    confirmed = await stack.http.post("/v1/email-changes/confirm", json={"token": token_of(mail)})

    assert confirmed.status_code == 409
    assert confirmed.json()["error"]["code"] == "email_taken"
    assert (await stack.http.get("/v1/runners/me", headers=headers)).json()["email"] == old
