"""Webhooks: other systems told of what happens here, by signed JSON POSTs.

A Webhook is a receiver an administrator registered, with the events it
wants and the secret that signs what it is sent. Each event makes one
WebhookDelivery per active subscriber, in the transaction of the change
that caused it; the job queue sends it and records every try as a
WebhookAttempt (portal/jobs/webhook_delivery.py).
"""
import datetime
import secrets
from urllib.parse import urlsplit

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from models.base import BaseModel, VersionedModel

EVENT_CHOICES = [
    ("report.submitted", "Báo cáo quý được gửi"),
    ("report.approved", "Báo cáo quý được duyệt"),
    ("report.reopened", "Báo cáo quý được mở lại (trả về bản nháp)"),
    ("period.locked", "Kỳ báo cáo (quý) được khoá"),
    ("import.finished", "Nhập dữ liệu từ tệp hoàn tất"),
]

DELIVERY_STATUS_CHOICES = [
    ("pending", "Đang gửi / chờ gửi lại"),
    ("delivered", "Đã gửi thành công"),
    ("failed", "Không gửi được"),
]

URL_MAX_LENGTH = 500


def new_secret():
    """32 random bytes, as the hex text a receiver pastes into its configuration."""
    return secrets.token_hex(32)


def url_problem(url):
    """None for a URL a webhook may be sent to, else why not (Vietnamese)."""
    url = url or ""
    if not url.strip():
        return "Cần nhập địa chỉ URL nhận webhook."
    if url != url.strip() or any(c.isspace() for c in url):
        return "URL không được chứa khoảng trắng."
    if len(url) > URL_MAX_LENGTH:
        return f"URL dài quá {URL_MAX_LENGTH} ký tự."
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "URL không hợp lệ (cổng hoặc tên máy sai)."
    if parts.scheme not in ("http", "https"):
        return "URL phải bắt đầu bằng http:// hoặc https://."
    if not parts.hostname:
        return "URL thiếu tên máy chủ, ví dụ https://dashboard.example.vn/hooks/giaoban."
    if parts.username is not None or parts.password is not None:
        # The URL is shown in lists and logs; a password in it would be too.
        return ("Không ghi tên đăng nhập hay mật khẩu trong URL: máy nhận kiểm tra chữ ký "
                "bằng khóa bí mật.")
    if port == 0:
        return "URL không hợp lệ (cổng 0)."
    if parts.fragment:
        return "URL không được có phần #… (phần này không được gửi tới máy nhận)."
    return None


class Webhook(VersionedModel):
    verbose_name = "webhook"

    url = CharField(max_length=URL_MAX_LENGTH)
    description = CharField(max_length=200, default="")
    # Event codes, comma-separated ("report.submitted,period.locked").
    events = CharField(max_length=200, default="")
    # Signs every body (HMAC-SHA256). Kept in clear: signing needs it; shown
    # to administrators only, never audited, exported or served by the API.
    secret = CharField(max_length=64, default=new_secret)
    is_active = BooleanField(default=True)
    created_at = DateTimeField(default=datetime.datetime.now)
    secret_rotated_at = DateTimeField(null=True)

    class Meta:
        table_name = "webhook"

    def __str__(self):
        return self.description or self.url

    @property
    def event_list(self):
        return [code for code in (self.events or "").split(",") if code]

    def wants(self, event):
        return self.is_active and event in self.event_list

    def problems(self):
        found = {}
        reason = url_problem(self.url)
        if reason:
            found["url"] = reason
        known = {code for code, _ in EVENT_CHOICES}
        if not self.event_list:
            found["events"] = "Chọn ít nhất một sự kiện để gửi."
        elif set(self.event_list) - known:
            found["events"] = "Có sự kiện không được hỗ trợ."
        return found

    def rotate_secret(self):
        self.secret = new_secret()
        self.secret_rotated_at = datetime.datetime.now()


class WebhookDelivery(BaseModel):
    verbose_name = "lần gửi webhook"

    webhook = ForeignKeyField(Webhook, backref="deliveries", on_delete="CASCADE")
    # The event's id, the same in every delivery of one event and in a redelivery.
    event_id = CharField(max_length=32)
    event = CharField(max_length=40, choices=EVENT_CHOICES)
    # The exact body sent, fixed when the event happened: every try sends
    # the same bytes, so a receiver can tell a retry from a new event.
    payload = TextField()
    status = CharField(max_length=10, choices=DELIVERY_STATUS_CHOICES, default="pending")
    attempts = IntegerField(default=0)
    created_at = DateTimeField(default=datetime.datetime.now)
    last_attempt_at = DateTimeField(null=True)
    next_attempt_at = DateTimeField(null=True)
    delivered_at = DateTimeField(null=True)
    last_status_code = IntegerField(null=True)
    last_error = TextField(default="")

    class Meta:
        table_name = "webhook_delivery"
        indexes = ((("webhook", "created_at"), False), (("status", "created_at"), False))

    def __str__(self):
        return f"{self.event} #{self.id}"


class WebhookAttempt(BaseModel):
    verbose_name = "lần thử gửi webhook"

    delivery = ForeignKeyField(WebhookDelivery, backref="attempt_log", on_delete="CASCADE")
    number = IntegerField()
    started_at = DateTimeField(default=datetime.datetime.now)
    status_code = IntegerField(null=True)
    error = TextField(default="")
    duration_ms = IntegerField(default=0)

    class Meta:
        table_name = "webhook_attempt"
        indexes = ((("delivery", "number"), True),)

    def __str__(self):
        return f"lần {self.number} – {self.status_code or self.error}"
