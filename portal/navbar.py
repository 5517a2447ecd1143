"""What the navigation bar of every page reads from the database: the
province's name and the signed-in user's unread notifications (the bell).

Both come from one statement: read apart, they were two round trips on every
page, a tenth of the member list's time.
"""
from flask_login import current_user
from peewee import Select

from models import Notification, Setting, db

PROVINCE_KEY = "province_name"


class NavbarFacts:
    """One page's facts, read when its template first asks for one of them."""

    def __init__(self):
        self._facts = None

    def province_name(self):
        return self._read()[0]

    def unread_notifications(self):
        return self._read()[1]

    def _read(self):
        if self._facts is None:
            columns = [Setting.value_query(PROVINCE_KEY)]
            if current_user.is_authenticated:
                columns.append(Notification.unread_query(current_user.id))
            stored, *unread = Select(columns=columns).bind(db).tuples().get()
            self._facts = (Setting.value_or_default(PROVINCE_KEY, stored), unread[0] if unread else None)
        return self._facts


def init_app(app):
    @app.context_processor
    def navbar():
        facts = NavbarFacts()
        return {"province_name": facts.province_name,
                "unread_notifications": facts.unread_notifications}
