"""Notifications: what the portal tells one user (the bell and its page).

A row belongs to one user and only that user ever reads or marks it. The
bell counts a user's unread rows on every page, so (user, read_at) is
indexed and the count never touches another table. A reminder carries a
`key` naming what it is about ("report-due:<report unit>:<quarter>"):
(user, key) is unique, so however often the periodic scan runs, each
reminder reaches each user once. Events that may recur (a report sent back
twice) have no key.

When SMTP is configured and the user has an e-mail address the row is also
mailed by the job queue (portal/notifications/mail.py): `email_status`
says how far that got, `next_email_at` when the next try is due.
"""
import datetime

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField, fn

from models.base import BaseModel
from models.user import User

KIND_CHOICES = [
    ("report_due", "Sắp đến hạn nộp báo cáo quý"),
    ("report_overdue", "Quá hạn nộp báo cáo quý"),
    ("report_returned", "Báo cáo quý bị trả lại"),
    ("job_finished", "Tác vụ nhập, xuất dữ liệu đã xong"),
    ("task_due", "Nhiệm vụ sắp đến hạn"),
    ("task_overdue", "Nhiệm vụ quá hạn"),
    ("backup_failed", "Sao lưu tự động không thành công"),
]

EMAIL_STATUS_CHOICES = [
    ("", "Không gửi thư"),
    ("pending", "Đang chờ gửi thư"),
    ("sent", "Đã gửi thư"),
    ("failed", "Gửi thư không thành công"),
]


class Notification(BaseModel):
    verbose_name = "thông báo"

    user = ForeignKeyField(User, backref="notifications", on_delete="CASCADE")
    kind = CharField(max_length=20, choices=KIND_CHOICES)
    title = CharField(max_length=255)
    body = TextField(default="")
    # A path inside the portal ("/admin/…"), never an outside address.
    link = CharField(max_length=500, default="")
    key = CharField(max_length=120, null=True)
    created_at = DateTimeField(default=datetime.datetime.now)
    read_at = DateTimeField(null=True)
    email_status = CharField(max_length=10, choices=EMAIL_STATUS_CHOICES, default="")
    email_attempts = IntegerField(default=0)
    next_email_at = DateTimeField(null=True)
    email_error = TextField(default="")

    class Meta:
        table_name = "notification"
        indexes = (
            (("user", "read_at"), False),
            (("user", "created_at"), False),
            (("user", "key"), True),
            (("email_status", "next_email_at"), False),
        )

    def __str__(self):
        return self.title

    @property
    def is_read(self):
        return self.read_at is not None

    @classmethod
    def for_user(cls, user_id):
        return cls.select().where(cls.user == user_id).order_by(cls.created_at.desc(), cls.id.desc())

    @classmethod
    def unread_count(cls, user_id):
        return cls.unread_query(user_id).scalar()

    @classmethod
    def unread_query(cls, user_id):
        """How many of the user's rows are unread (the bell, portal/navbar.py), as a query."""
        # A plain COUNT over the (user, read_at) index, not a count of a subquery.
        return cls.select(fn.COUNT(cls.id)).where(cls.user == user_id, cls.read_at.is_null())

    @classmethod
    def mark_read(cls, user_id, ids=None):
        """Mark the user's unread rows read (only `ids` among them, when given); how many."""
        query = cls.update(read_at=datetime.datetime.now()).where(cls.user == user_id, cls.read_at.is_null())
        if ids is not None:
            query = query.where(cls.id.in_(ids))
        return query.execute()
