"""Secrets at rest: one cipher implementation for every service that keeps a runner's tokens."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from runnerly_kit.crypto import TokenCipher, UndecryptableToken

SECRET = SecretStr("a-long-random-test-key-0123456789")


def test_a_value_decrypts_only_for_its_runner_and_purpose() -> None:
    """A stored token decrypts for its runner and purpose only; each encryption differs."""
    cipher = TokenCipher(SECRET, salt=b"service-a", info=b"tokens/v1")
    stored = cipher.encrypt("abc123token", runner_id="runner-1", purpose="refresh")

    assert stored.startswith("v1.")
    assert "abc123token" not in stored
    assert cipher.decrypt(stored, runner_id="runner-1", purpose="refresh") == "abc123token"
    with pytest.raises(UndecryptableToken):
        cipher.decrypt(stored, runner_id="runner-2", purpose="refresh")
    with pytest.raises(UndecryptableToken):
        cipher.decrypt(stored, runner_id="runner-1", purpose="access")
    assert stored != cipher.encrypt("abc123token", runner_id="runner-1", purpose="refresh")


def test_two_services_given_the_same_secret_have_different_keys() -> None:
    """The salt and info name the service's use: another service's cipher cannot read it, nor
    can an altered or unknown-format value be read."""
    ours = TokenCipher(SECRET, salt=b"service-a", info=b"tokens/v1")
    theirs = TokenCipher(SECRET, salt=b"service-b", info=b"tokens/v1")
    stored = ours.encrypt("abc123token", runner_id="r", purpose="access")

    with pytest.raises(UndecryptableToken):
        theirs.decrypt(stored, runner_id="r", purpose="access")
    with pytest.raises(UndecryptableToken):
        ours.decrypt(stored[:-4] + "AAAA", runner_id="r", purpose="access")
    with pytest.raises(UndecryptableToken):
        ours.decrypt("v2." + stored[3:], runner_id="r", purpose="access")
