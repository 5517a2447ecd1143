"""Background jobs: work too long for a request (large exports, large imports).

The row records who asked, what for and how it ended; the job queue (huey)
only carries its id. Progress while it runs lives in the queue's own storage,
so a worker reading a long result never has to write to this database
mid-read (see portal/jobs).
"""
import datetime

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from models.base import BaseModel
from models.user import User

STATUS_CHOICES = [
    ("queued", "Đang chờ"),
    ("running", "Đang chạy"),
    ("done", "Hoàn thành"),
    ("failed", "Không thành công"),
    # Its worker died mid-run (portal/jobs/lease.py); its owner may run it again.
    ("halted", "Bị gián đoạn"),
]

KIND_CHOICES = [
    ("export", "Xuất Excel"),
    ("import", "Nhập dữ liệu"),
]


class Job(BaseModel):
    verbose_name = "tác vụ"

    user = ForeignKeyField(User, backref="jobs", on_delete="CASCADE")
    kind = CharField(max_length=20, choices=KIND_CHOICES)
    title = CharField(max_length=255)
    # JSON: what the job needs to run again from scratch.
    params = TextField(default="{}")
    status = CharField(max_length=10, choices=STATUS_CHOICES, default="queued")
    total = IntegerField(default=0)
    done = IntegerField(default=0)
    message = TextField(default="")
    # The result file, in the jobs folder, under a random name; its download name.
    stored_name = CharField(max_length=64, default="")
    file_name = CharField(max_length=255, default="")
    created_at = DateTimeField(default=datetime.datetime.now)
    started_at = DateTimeField(null=True)
    finished_at = DateTimeField(null=True)

    class Meta:
        table_name = "job"
        indexes = ((("user", "created_at"), False),)

    def __str__(self):
        return self.title

    @property
    def finished(self):
        return self.status in ("done", "failed", "halted")

    @property
    def has_download(self):
        """An export's file is ready (what an import leaves is shown on its page)."""
        return self.kind == "export" and self.status == "done" and bool(self.stored_name)
