"""Email addresses as the users service keeps them: validated, normalised, lower-case.

Uniqueness is "regardless of case": the address is stored lower-cased (after
email_validator's own normalisation), and the unique constraint is on that.
"""

from __future__ import annotations

from typing import Annotated

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, BeforeValidator, EmailStr


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


def _lower(value: str) -> str:
    return value.lower()


#: A request field holding an email address; the parsed value is normalised.
Email = Annotated[EmailStr, BeforeValidator(_strip), AfterValidator(_lower)]


def normalise_email(value: str) -> str | None:
    """The stored form of ``value``, or ``None`` when it is not an email address."""
    try:
        checked = validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError:
        return None
    return checked.normalized.lower()


def local_part(email: str) -> str:
    """What comes before the ``@``."""
    return email.rpartition("@")[0]
