"""The token dealer's own secret: real entropy outside development, named when refused."""

from __future__ import annotations

import secrets

import pytest
from pydantic import ValidationError

from runnerly_tokendealer.settings import TokenDealerSettings

OWN_SECRET = "Vq7-tokendealer-own-9bX2kLm4Pz"


@pytest.mark.parametrize(
    "weak", ["aaaaaaaaaaaaaaaa", "password1234567890", "0123456789abcdefghij", "changeme"]
)
def test_a_weak_key_encryption_secret_is_refused(weak: str) -> None:
    """Repeated, dictionary, sequential and placeholder values stop the service, named."""
    with pytest.raises(ValidationError) as caught:
        TokenDealerSettings(
            environment="production",
            client_secret=OWN_SECRET,
            key_encryption_secret=weak,
        )

    assert "TOKENDEALER_KEY_ENCRYPTION_SECRET is" in str(caught.value)
    assert weak not in str(caught.value)


def test_a_generated_key_encryption_secret_is_accepted() -> None:
    """The launcher's secrets (token_urlsafe(32)) pass."""
    secret = secrets.token_urlsafe(32)

    settings = TokenDealerSettings(
        environment="production",
        client_secret=OWN_SECRET,
        key_encryption_secret=secret,
    )

    assert settings.key_encryption_secret.get_secret_value() == secret
