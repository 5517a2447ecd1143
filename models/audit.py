"""The audit trail and the record of login attempts. Rows are only ever added."""
import datetime

from peewee import BooleanField, CharField, DateTimeField, IntegerField, TextField

from models.base import BaseModel

ACTION_CHOICES = [
    ("create", "Thêm mới"),
    ("update", "Sửa"),
    ("delete", "Xoá"),
    ("login", "Đăng nhập"),
    ("login_failed", "Đăng nhập sai"),
    ("logout", "Đăng xuất"),
    ("password", "Đổi mật khẩu"),
    ("password_failed", "Nhập sai mật khẩu hiện tại"),
    ("read_personal", "Xem dữ liệu cá nhân"),
    ("export", "Xuất dữ liệu"),
    ("import", "Nhập dữ liệu"),
    ("status", "Đổi trạng thái"),
    ("backup", "Sao lưu dữ liệu"),
    ("freeze", "Chốt số liệu giao ban"),
]


class AuditLog(BaseModel):
    verbose_name = "nhật ký"

    at = DateTimeField(default=datetime.datetime.now, index=True)
    # Plain ids, not foreign keys: history outlives the rows it describes and
    # must never be rewritten by a cascade.
    user_id = IntegerField(null=True)
    username = CharField(max_length=60, default="")
    address = CharField(max_length=64, default="")
    action = CharField(max_length=20, choices=ACTION_CHOICES, index=True)
    record_table = CharField(max_length=60, default="", index=True)
    record_id = IntegerField(null=True)
    record_label = CharField(max_length=255, default="")
    # The organisation whose section the record belongs to: editors read the
    # history of their own subtree through it.
    organisation_id = IntegerField(null=True, index=True)
    # "api:<token label>" for a change made through the API, else "".
    via = CharField(max_length=100, default="")
    # JSON: {"field": [old, new], …}, or a note for logins and exports.
    changes = TextField(default="")
    # The X-Request-ID of the request that wrote it (or that queued the job that did):
    # the same id is in that request's log lines.
    request_id = CharField(max_length=64, default="")

    class Meta:
        table_name = "audit_log"

    def __str__(self):
        return f"{self.action} {self.record_table} #{self.record_id or ''}".strip()


class LoginAttempt(BaseModel):
    """Failed and successful logins, for throttling by account and address."""

    username = CharField(max_length=60)
    address = CharField(max_length=64)
    succeeded = BooleanField(default=False)
    at = DateTimeField(default=datetime.datetime.now)

    class Meta:
        table_name = "login_attempt"
        indexes = ((("username", "at"), False), (("address", "at"), False))

    def __str__(self):
        return f"{self.username}@{self.address}"
