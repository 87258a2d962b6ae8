"""A runner's profile: read it, change it within the ranges, change the email, delete it all.

Only the runner themselves reaches these rules (the endpoints check ownership).
"""

from __future__ import annotations

from typing import Any

from runnerly_contracts.users import ProfileUpdated, UserDeleted
from runnerly_kit.db import Database
from runnerly_kit.errors import Conflict, InvalidInput, NotFound
from runnerly_users import outbox
from runnerly_users.accounts import service as accounts
from runnerly_users.accounts.service import issue_token, redeem_token
from runnerly_users.dependencies import Context, in_transaction
from runnerly_users.models import User
from runnerly_users.one_time import Purpose
from runnerly_users.profiles.schemas import EmailPreferences, Home, Profile, ProfileChange

# Profile fields stored in a column of the same name.
_PLAIN_FIELDS = (
    "name",
    "first_name",
    "last_name",
    "birth_year",
    "sex",
    "weight_kg",
    "max_heart_rate",
    "resting_heart_rate",
    "vo2max",
    "units",
    "time_zone",
)


def as_profile(user: User) -> Profile:
    """The profile of an account, as its runner sees it."""
    home = None
    if user.home_place is not None:
        home = Home(
            place=user.home_place, latitude=user.home_latitude, longitude=user.home_longitude
        )
    return Profile(
        id=user.id,
        email=user.email,
        name=user.name,
        first_name=user.first_name,
        last_name=user.last_name,
        birth_year=user.birth_year,
        sex=user.sex,
        weight_kg=user.weight_kg,
        max_heart_rate=user.max_heart_rate,
        resting_heart_rate=user.resting_heart_rate,
        vo2max=user.vo2max,
        home=home,
        units=user.units,
        time_zone=user.time_zone,
        email_preferences=EmailPreferences(monthly_report=user.monthly_report),
    )


async def get_account(context: Context, runner_id: str) -> User:
    """The runner's account; 404 when it is gone (deleted, with a token still valid)."""
    user = await accounts.find_account(context, runner_id)
    if user is None:
        raise NotFound("No such runner.")
    return user


def _new_values(change: ProfileChange) -> dict[str, Any]:
    values = {
        name: getattr(change, name) for name in _PLAIN_FIELDS if name in change.model_fields_set
    }
    if "home" in change.model_fields_set:
        home = change.home
        values["home_place"] = None if home is None else home.place
        values["home_latitude"] = None if home is None else home.latitude
        values["home_longitude"] = None if home is None else home.longitude
    if change.email_preferences is not None:
        values["monthly_report"] = change.email_preferences.monthly_report
    if isinstance(values.get("name"), str):
        values["name"] = values["name"].strip()
    return values


async def update_profile(context: Context, runner_id: str, change: ProfileChange) -> Profile:
    """Apply the change if the whole profile stays consistent; publish what changed."""
    user = await get_account(context, runner_id)
    values = _new_values(change)
    resting = values.get("resting_heart_rate", user.resting_heart_rate)
    maximum = values.get("max_heart_rate", user.max_heart_rate)
    if resting is not None and maximum is not None and resting >= maximum:
        raise InvalidInput(
            "The resting heart rate must be below the maximum heart rate.",
            details=[{"location": ["body", "resting_heart_rate"]}],
        )
    changed = sorted(name for name, value in values.items() if getattr(user, name) != value)
    if changed:
        for name in changed:
            setattr(user, name, values[name])
        user.updated_at = context.now
        outbox.publish(context.session, ProfileUpdated(user_id=user.id, fields=changed), user.id)
    return as_profile(user)


async def request_email_change(context: Context, runner_id: str, new_email: str) -> None:
    """Mail a confirmation link to the new address; the email changes when it is followed.

    Nothing here tells whether the new address has an account already: the
    confirmation refuses it then (409), and only the owner of the address sees that.
    """
    user = await get_account(context, runner_id)
    if new_email == user.email:
        return
    settings = context.settings
    token = await issue_token(
        context, user, Purpose.email_change, settings.email_change_ttl_seconds, new_email
    )
    outbox.send_email(
        context.session,
        user.id,
        new_email,
        "email_change",
        {"name": user.name, "link": settings.link("confirm-email", token)},
    )


async def confirm_email_change(context: Context, token: str) -> None:
    """Switch the account to the confirmed address, if no other account has it meanwhile."""
    row, user = await redeem_token(context, token, Purpose.email_change)
    assert row.new_email is not None
    other = await accounts.find_account_by_email(context, row.new_email)
    if other is not None and other.id != user.id:
        raise Conflict("Another account uses this email address.", code="email_taken")
    user.email = row.new_email
    user.updated_at = context.now
    outbox.publish(context.session, ProfileUpdated(user_id=user.id, fields=["email"]), user.id)


async def delete_account(context: Context, runner_id: str) -> None:
    """Delete the runner's data here and tell every service to forget them."""
    await get_account(context, runner_id)
    await accounts.erase_account(context, runner_id)
    outbox.publish(context.session, UserDeleted(user_id=runner_id), runner_id)


async def delete_account_with_password(
    context: Context, db: Database, runner_id: str, password: str
) -> None:
    """:func:`delete_account`, once ``password`` is the account's; a wrong one deletes nothing.

    ``context`` is a read transaction (the password check is slow Argon2id
    work); the deletion is a short write transaction of its own.
    """
    user = await get_account(context, runner_id)
    await accounts.confirm_password(context, user, password, "password")
    async with in_transaction(context, db) as write:
        await accounts.account_as_checked(write, runner_id, user.password_hash)
        await delete_account(write, runner_id)
