"""Portal accounts. Roles and the organisation binding scope what a user sees."""
import datetime
import re
import secrets

from flask_login import UserMixin
from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField
from werkzeug.security import check_password_hash, generate_password_hash

from models.base import BaseModel
from models.organisation import Organisation

ROLE_CHOICES = [
    ("admin", "Quản trị hệ thống"),
    ("secretariat", "Văn phòng Khối"),
    ("editor", "Cán bộ đoàn thể"),
    ("viewer", "Lãnh đạo (chỉ xem)"),
]


EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def email_problem(email):
    """None for an empty or plausible address, else why not (Vietnamese)."""
    if email and (len(email) > 254 or not EMAIL_PATTERN.fullmatch(email)):
        return "Địa chỉ thư điện tử không hợp lệ, ví dụ: hoa.nguyen@phunu.gialai.vn."
    return None


class User(UserMixin, BaseModel):
    verbose_name = "tài khoản"

    username = CharField(max_length=60, unique=True)
    full_name = CharField(max_length=120, default="")
    # Where notifications are also mailed, when SMTP is configured; empty: none.
    email = CharField(max_length=254, default="")
    password_hash = CharField(max_length=255)
    role = CharField(max_length=20, choices=ROLE_CHOICES)
    # Editors work for one node and what lies below it; viewers may be bound too.
    organisation = ForeignKeyField(Organisation, null=True, backref="users", on_delete="RESTRICT")
    is_enabled = BooleanField(default=True)
    # Rotated on logout and password change, which ends every other session.
    session_token = CharField(max_length=64, default=lambda: secrets.token_hex(16))
    created_at = DateTimeField(default=datetime.datetime.now)
    last_login_at = DateTimeField(null=True)

    class Meta:
        table_name = "portal_user"

    def __str__(self):
        return self.username

    def get_id(self):
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self):
        return self.is_enabled

    def set_password(self, password):
        self.password_hash = generate_password_hash(password)
        self.end_sessions()

    def end_sessions(self):
        """A new session token: every session opened before it ends."""
        self.session_token = secrets.token_hex(16)

    def check_password(self, password):
        return check_password_hash(self.password_hash, password)
