"""Secrets at rest: AES-256-GCM, bound to the runner and the purpose of the value.

Third-party and refresh tokens a service keeps for a runner (the strava
service's Strava tokens, the dashboard's session tokens) are encrypted with
one :class:`TokenCipher` per service. The key is derived with HKDF-SHA256
from a configured secret (any length of random text, e.g.
``STRAVA_TOKEN_ENCRYPTION_KEY``), with a salt and info naming the service's
use, so the configured secret never serves as a key by itself and two
services given the same secret still have different keys. Each value gets a
fresh 96-bit nonce. The associated data binds a ciphertext to its runner and
to its purpose (``access``/``refresh``): a row's token copied into another
runner's row, or an access token swapped with a refresh token, fails to
decrypt instead of being used.

Stored form: ``v1.<base64url(nonce || ciphertext+tag)>``; the version prefix
lets a later key or algorithm coexist with this one.
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from pydantic import SecretStr

_VERSION = "v1"
_NONCE_BYTES = 12


class UndecryptableToken(ValueError):
    """The ciphertext was altered, belongs to another runner, or was made with another key."""


class TokenCipher:
    """Encrypts and decrypts one service's tokens for one runner at a time.

    ``salt`` and ``info`` name the service's use of the key (HKDF's inputs);
    they must never change once values are stored, or those values become
    undecryptable.
    """

    def __init__(self, secret: SecretStr, *, salt: bytes, info: bytes) -> None:
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(
            secret.get_secret_value().encode()
        )
        self._aead = AESGCM(key)

    def encrypt(self, token: str, *, runner_id: str, purpose: str) -> str:
        """The stored form of ``token``, bound to ``runner_id`` and ``purpose``."""
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, token.encode(), _associated(runner_id, purpose))
        return f"{_VERSION}.{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def decrypt(self, stored: str, *, runner_id: str, purpose: str) -> str:
        """The token in ``stored``; :class:`UndecryptableToken` if it is not this runner's."""
        version, _, body = stored.partition(".")
        if version != _VERSION:
            raise UndecryptableToken(f"unknown token format {version!r}")
        try:
            raw = base64.urlsafe_b64decode(body.encode())
            plain = self._aead.decrypt(
                raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], _associated(runner_id, purpose)
            )
        except (InvalidTag, ValueError) as exc:
            raise UndecryptableToken("the token cannot be decrypted") from exc
        return plain.decode()


def _associated(runner_id: str, purpose: str) -> bytes:
    return f"runner={runner_id};token={purpose}".encode()
