"""Issuing and revoking personal API tokens, with their audit entries.

The account page (portal/api_keys_view.py) and `flask users token` both come
here, so a token is checked, made and recorded the same way from either.
"""
import datetime

from admin_views import auditing
from models import db
from models.api_token import ApiToken

LABEL_MAX = 80
# The page offers these lifetimes (days; None: never expires). The console
# takes any number of days up to the longest.
EXPIRY_CHOICES = [(30, "30 ngày"), (90, "90 ngày"), (365, "1 năm"), (None, "Không hết hạn")]
EXPIRY_MAX_DAYS = 3650

ACTIVE, EXPIRED, REVOKED = "đang dùng", "đã hết hạn", "đã thu hồi"


class TokenProblem(ValueError):
    """Bad input: its message is shown to the user as it is."""


def check(label, expires_days):
    label = (label or "").strip()
    if not label:
        raise TokenProblem("Cần đặt tên cho khóa API, ví dụ tên chương trình sẽ dùng nó.")
    if len(label) > LABEL_MAX:
        raise TokenProblem(f"Tên khóa API dài tối đa {LABEL_MAX} ký tự.")
    if expires_days is not None and not 1 <= expires_days <= EXPIRY_MAX_DAYS:
        raise TokenProblem(f"Thời hạn của khóa API phải từ 1 đến {EXPIRY_MAX_DAYS} ngày.")
    return label


def issue(user, label, expires_days=None, read_only=False, note=""):
    """(row, plaintext) of a new token for `user`, recorded in the audit trail.

    Raises TokenProblem for bad input (nothing is saved)."""
    label = check(label, expires_days)
    with db.atomic():
        row, plaintext = ApiToken.issue(user, label, expires_days=expires_days, read_only=read_only)
        auditing.record("create", model=row, organisation_id=user.organisation_id,
                        changes=_described(row, note))
    return row, plaintext


def revoke(row, note=""):
    """Revoke `row` (already checked to be the caller's); False when it was already revoked."""
    with db.atomic():
        # Only a live-or-expired token changes: a second click changes nothing.
        changed = (ApiToken.update(revoked_at=datetime.datetime.now())
                   .where(ApiToken.id == row.id, ApiToken.revoked_at.is_null()).execute())
        if changed:
            auditing.record("status", model=row, organisation_id=row.user.organisation_id,
                            changes={"trang_thai": [status(row), REVOKED],
                                     "nguoi_dung": row.user.username, **({"ghi_chu": note} if note else {})})
    return bool(changed)


def status(row):
    if row.revoked_at is not None:
        return REVOKED
    return ACTIVE if row.is_live else EXPIRED


def for_user(user):
    """The user's own tokens, newest first (revoked and expired ones too: their history)."""
    return ApiToken.select().where(ApiToken.user == user).order_by(ApiToken.created_at.desc(),
                                                                   ApiToken.id.desc())


def _described(row, note):
    """What the audit trail keeps of a new token: never its hash."""
    described = {
        "nguoi_dung": row.user.username,
        "ten": row.label,
        "ma_nhan_dien": row.hint,
        "quyen": "chỉ đọc" if row.read_only else "đọc và ghi",
        "het_han": f"{row.expires_at:%d/%m/%Y %H:%M}" if row.expires_at else "không hết hạn",
    }
    if note:
        described["ghi_chu"] = note
    return described
