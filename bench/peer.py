"""The peer: a stock Flask-Admin peewee ModelView over the same member table.

Configured as a newcomer would: the same columns, the same default sort and
page size, the searchable fields as plain columns (Flask-Admin turns each
word into `LIKE '%word%'` on each of them), the count on every page.
"""
from flask import Flask
from flask_admin import Admin
from flask_admin.contrib.peewee import ModelView
from flask_babel import Babel

from models import Member


def peer_app():
    # Imported here: the admin views come in through the portal package (create_app).
    from admin_views.members import MemberView

    class StockMemberView(ModelView):
        column_list = MemberView.column_list
        column_default_sort = "full_name"
        column_searchable_list = (Member.full_name, Member.card_number, Member.citizen_id)
        page_size = 20

    app = Flask("peer")
    app.config.update(SECRET_KEY="bench", TESTING=True)
    Babel(app)
    admin = Admin(app, name="peer")
    admin.add_view(StockMemberView(Member, endpoint="member", url="/admin/member"))
    return app
