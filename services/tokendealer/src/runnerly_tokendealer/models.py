"""The token dealer's tables: its signing keys and the refresh tokens it issued."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from runnerly_kit.columns import UtcDateTime
from runnerly_kit.db import new_metadata
from runnerly_kit.events import include_kit_tables


class Base(DeclarativeBase):
    metadata = new_metadata()


include_kit_tables(Base.metadata)


class SigningKey(Base):
    """A key pair of the key ring. Its state follows from its timestamps:

    pending (published, not signing yet) → active (signing) → retired (still
    published until the last token it signed has expired) → deleted.
    """

    __tablename__ = "signing_keys"

    kid: Mapped[str] = mapped_column(String(64), primary_key=True)
    algorithm: Mapped[str] = mapped_column(String(16))
    #: PKCS#8 PEM, encrypted with the configured key-encryption secret.
    private_key: Mapped[bytes] = mapped_column(LargeBinary)
    public_jwk: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    activated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    retired_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    #: When a retired key leaves the JWKS (its last token has expired).
    unpublish_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class RefreshTokenFamily(Base):
    """One login session: every refresh token rotated from the same first one."""

    __tablename__ = "refresh_token_families"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    client_id: Mapped[str] = mapped_column(String(128))
    subject: Mapped[str] = mapped_column(String(128), index=True)
    scope: Mapped[str] = mapped_column(String(1024))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    revoked_reason: Mapped[str | None] = mapped_column(String(64))


class RefreshToken(Base):
    """One refresh token, kept only as the SHA-256 of its value."""

    __tablename__ = "refresh_tokens"
    __table_args__ = (Index("ix_refresh_tokens_family_id", "family_id"),)

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    family_id: Mapped[str] = mapped_column(
        ForeignKey("refresh_token_families.id", ondelete="CASCADE")
    )
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    #: Set when the token was exchanged; a second use means it was stolen.
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    # Declared so the unit of work inserts a new family before its first token.
    family: Mapped[RefreshTokenFamily] = relationship(lazy="raise")


class LoginThrottle(Base):
    """Failed logins of one account or one client address, and how long it must wait.

    The key is a SHA-256 (``account:<email>`` or ``address:<ip>``): the token
    dealer throttles logins without keeping anyone's email address.
    """

    __tablename__ = "login_throttles"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column()
    last_failure_at: Mapped[datetime] = mapped_column(UtcDateTime())
    blocked_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
