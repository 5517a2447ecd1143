"""Thông báo: every signed-in user's own notifications, newest first.

Each query is narrowed to `current_user`: another user's notification id is
a 404 exactly like one that never existed, and marking it changes nothing.
Opening one marks it read and follows its link (a path inside the portal).
"""
from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_login import current_user

from admin_views.access import SignedInPage
from admin_views.formatters import format_number
from models import Notification

PAGE_SIZE = 30

WORDS = {
    "all_read": "Đã đánh dấu {count} thông báo là đã đọc.",
    "none_unread": "Không còn thông báo chưa đọc.",
    "read": "Đã đánh dấu thông báo là đã đọc.",
}
EMAIL_WORDS = dict(Notification.email_status.choices)


def when(moment):
    return f"{moment:%d/%m/%Y %H:%M}" if moment else ""


def safe_link(link):
    """A path inside the portal, else nothing: never a redirect to another site."""
    link = link or ""
    return link if link.startswith("/") and not link.startswith("//") and "\\" not in link else ""


def listed(row):
    return {
        "id": row.id, "title": row.title, "body": row.body, "kind": row.kind,
        "kind_label": dict(Notification.kind.choices).get(row.kind, row.kind),
        "created": when(row.created_at), "read": row.is_read, "link": safe_link(row.link),
        "email": EMAIL_WORDS.get(row.email_status, "") if row.email_status else "",
    }


class NotificationsView(SignedInPage, BaseView):
    def is_visible(self):
        return False  # reached from the bell in the navigation bar

    @expose("/")
    def index(self):
        page = max(request.args.get("page", 1, type=int) or 1, 1)
        query = Notification.for_user(current_user.id)
        rows = [listed(row) for row in query.paginate(page, PAGE_SIZE + 1)]
        return self.render("notifications.html", rows=rows[:PAGE_SIZE], page=page,
                           has_next=len(rows) > PAGE_SIZE, number=format_number,
                           unread=Notification.unread_count(current_user.id))

    @expose("/<int:notification_id>/read", methods=("POST",))
    def read(self, notification_id):
        self._own(notification_id)
        Notification.mark_read(current_user.id, [notification_id])
        flash(WORDS["read"], "success")
        return redirect(url_for(".index", page=request.form.get("page", 1, type=int)))

    @expose("/<int:notification_id>/open", methods=("POST",))
    def open(self, notification_id):
        row = self._own(notification_id)
        Notification.mark_read(current_user.id, [notification_id])
        return redirect(safe_link(row.link) or url_for(".index"))

    @expose("/read-all", methods=("POST",))
    def read_all(self):
        count = Notification.mark_read(current_user.id)
        flash(WORDS["all_read"].format(count=format_number(count)) if count else WORDS["none_unread"],
              "success" if count else "info")
        return redirect(url_for(".index"))

    def _own(self, notification_id):
        row = Notification.get_or_none(Notification.id == notification_id,
                                       Notification.user == current_user.id)
        if row is None:
            abort(404)
        return row
