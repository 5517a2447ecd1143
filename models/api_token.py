"""Personal API tokens: shown once, stored as a SHA-256 hash, revocable.

A token acts as its user and never beyond: the user's role and section
decide what it reaches; `read_only` narrows that to reads.
"""
import datetime
import hashlib
import secrets

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField

from models.base import BaseModel
from models.user import User

PREFIX = "gb_"


def digest(plaintext):
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


class ApiToken(BaseModel):
    verbose_name = "khóa API"

    user = ForeignKeyField(User, backref="api_tokens", on_delete="CASCADE")
    label = CharField(max_length=80)
    # The hash only: a leaked database does not hand out working tokens.
    token_hash = CharField(max_length=64, unique=True)
    # The first characters, so a user can tell their tokens apart.
    hint = CharField(max_length=16)
    read_only = BooleanField(default=False)
    created_at = DateTimeField(default=datetime.datetime.now)
    expires_at = DateTimeField(null=True)
    last_used_at = DateTimeField(null=True)
    revoked_at = DateTimeField(null=True)

    class Meta:
        table_name = "api_token"

    def __str__(self):
        return f"{self.label} ({self.hint}…)"

    @classmethod
    def issue(cls, user, label, expires_days=None, read_only=False):
        """A new token for `user`: (row, plaintext). The plaintext is never stored."""
        plaintext = PREFIX + secrets.token_urlsafe(32)
        expires_at = None
        if expires_days:
            expires_at = datetime.datetime.now() + datetime.timedelta(days=int(expires_days))
        row = cls.create(user=user, label=label.strip()[:80], token_hash=digest(plaintext),
                         hint=plaintext[:10], read_only=read_only, expires_at=expires_at)
        return row, plaintext

    @classmethod
    def find(cls, plaintext):
        """The live token for `plaintext`, or None (unknown, revoked, expired, user disabled)."""
        if not plaintext or not plaintext.startswith(PREFIX) or len(plaintext) > 100:
            return None
        row = (cls.select(cls, User).join(User)
               .where(cls.token_hash == digest(plaintext)).first())
        if row is None or not row.is_live or not row.user.is_enabled:
            return None
        return row

    @property
    def is_live(self):
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > datetime.datetime.now()

    def revoke(self):
        self.revoked_at = datetime.datetime.now()
        self.save(only=[ApiToken.revoked_at])
