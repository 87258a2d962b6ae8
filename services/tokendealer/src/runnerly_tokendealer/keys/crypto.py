"""Key material: Ed25519 pairs, their encrypted storage form, and their public JWK."""

from __future__ import annotations

import secrets
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm

ALGORITHM = "EdDSA"


def new_private_key() -> Ed25519PrivateKey:
    """A fresh Ed25519 private key."""
    return Ed25519PrivateKey.generate()


def new_kid() -> str:
    """A random, unguessable key id."""
    return secrets.token_urlsafe(16)


def encrypt(private_key: Ed25519PrivateKey, secret: bytes) -> bytes:
    """PKCS#8 PEM encrypted with the key-encryption secret."""
    return private_key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.BestAvailableEncryption(secret),
    )


def decrypt(pem: bytes, secret: bytes) -> Ed25519PrivateKey:
    """The private key back from its stored form (raises if the secret is wrong)."""
    key = serialization.load_pem_private_key(pem, password=secret)
    if not isinstance(key, Ed25519PrivateKey):
        raise TypeError("the key ring holds Ed25519 keys only")
    return key


def public_jwk(private_key: Ed25519PrivateKey, kid: str) -> dict[str, Any]:
    """The RFC 7517 / RFC 8037 public JWK of a key pair."""
    jwk: dict[str, Any] = OKPAlgorithm.to_jwk(private_key.public_key(), as_dict=True)
    return {**jwk, "kid": kid, "use": "sig", "alg": ALGORITHM}
