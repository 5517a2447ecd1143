"""Tài khoản → Khóa API: every signed-in user keeps their own API tokens here.

A user sees, creates and revokes only their own tokens: every query is
narrowed to `current_user`, so another user's token id is a 404 exactly like
one that never existed. A new token's plaintext is shown once, in the answer
to the POST that made it, and never travels through the session cookie.
"""
from flask import abort, flash, make_response, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice

from admin_views.access import SignedInPage
from models import User
from models.api_token import ApiToken
from portal import api_keys

NEVER = "0"

WORDS = {
    "created": "Đã tạo khóa API \"{label}\". Hãy sao chép khóa ngay: nó chỉ hiện một lần.",
    "revoked": "Đã thu hồi khóa API \"{label}\": chương trình dùng khóa này không truy cập được nữa.",
    "already": "Khóa API \"{label}\" đã được thu hồi từ trước.",
    "read_only": "chỉ đọc",
    "read_write": "đọc và ghi",
    "never_expires": "không hết hạn",
    "never_used": "chưa dùng",
    "bad_expiry": "Hãy chọn thời hạn của khóa trong danh sách.",
}

BADGES = {api_keys.ACTIVE: "success", api_keys.EXPIRED: "secondary", api_keys.REVOKED: "danger"}


class TokenForm(FlaskForm):
    label = StringField("Tên khóa", description="Để nhận ra khóa sau này, ví dụ: Bảng tính báo cáo quý.")
    expires = SelectField("Thời hạn", default="90",
                          choices=[SelectChoice(str(days or NEVER), name)
                                   for days, name in api_keys.EXPIRY_CHOICES])
    read_only = BooleanField("Chỉ đọc (không thêm, sửa, xóa được dữ liệu)")


def when(moment):
    return f"{moment:%d/%m/%Y %H:%M}" if moment else ""


def listed(row):
    """One token as the page shows it."""
    return {
        "id": row.id,
        "label": row.label,
        "hint": f"{row.hint}…",
        "rights": WORDS["read_only"] if row.read_only else WORDS["read_write"],
        "created": when(row.created_at),
        "expires": when(row.expires_at) or WORDS["never_expires"],
        "last_used": when(row.last_used_at) or WORDS["never_used"],
        "status": api_keys.status(row),
        "badge": BADGES[api_keys.status(row)],
        "revocable": row.revoked_at is None,
    }


class ApiKeysView(SignedInPage, BaseView):
    def is_visible(self):
        return False  # reached from the account menu in the navigation bar

    def _page(self, form, new_token=None):
        rows = [listed(row) for row in api_keys.for_user(current_user.id)]
        response = make_response(self.render("api_keys.html", form=form, rows=rows,
                                             new_token=new_token))
        if new_token is not None:
            # The one page that holds a plaintext token: no cache keeps it.
            response.headers["Cache-Control"] = "no-store"
        return response

    @expose("/", methods=("GET", "POST"))
    def index(self):
        form = TokenForm()
        if request.method != "POST":
            return self._page(form)
        if not form.validate():
            # Only a forged lifetime gets here: the label is checked below.
            flash(WORDS["bad_expiry"], "error")
            return self._page(form)
        days = int(form.expires.data) or None
        user = User.get_by_id(current_user.id)
        try:
            row, plaintext = api_keys.issue(user, form.label.data, days, bool(form.read_only.data))
        except api_keys.TokenProblem as problem:
            flash(str(problem), "error")
            return self._page(form)
        flash(WORDS["created"].format(label=row.label), "success")
        return self._page(TokenForm(formdata=None), new_token=plaintext)

    @expose("/<int:token_id>/revoke", methods=("POST",))
    def revoke(self, token_id):
        row = (ApiToken.select().where(ApiToken.id == token_id, ApiToken.user == current_user.id)
               .first())
        if row is None:
            abort(404)
        changed = api_keys.revoke(row)
        flash(WORDS["revoked" if changed else "already"].format(label=row.label),
              "success" if changed else "info")
        return redirect(url_for(".index"))
