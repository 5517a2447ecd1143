"""Every user's own account page: changing one's password and e-mail address."""
from flask import flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_login import current_user, login_user

from admin_views import auditing
from admin_views.access import SignedInPage
from models import User, db
from models.passwords import password_problem
from models.user import email_problem
from portal import throttle
from portal.auth import PasswordForm


class AccountView(SignedInPage, BaseView):
    def is_visible(self):
        return False  # reached from the user's name in the navigation bar

    @expose("/", methods=("GET", "POST"))
    def index(self):
        form = PasswordForm()
        if form.validate_on_submit():
            user = User.get_by_id(current_user.id)
            # The current password is guessed here as on the login page: same
            # throttle, same count, and every wrong one is in the audit trail.
            attempt, wait = throttle.begin(user.username, auditing.client_address())
            if wait:
                flash(throttle.wait_message(wait), "error")
                return self._page(form), 429
            current_ok = user.check_password(form.current.data or "")
            with db.atomic():
                throttle.finish(attempt, current_ok)
                if not current_ok:
                    auditing.record("password_failed", user=user, table="portal_user",
                                    note="Nhập sai mật khẩu hiện tại khi đổi mật khẩu")
            problem = self._problem(user, form, current_ok)
            if problem:
                flash(problem, "error")
            else:
                with db.atomic():
                    user.set_password(form.new.data)
                    user.save()
                    auditing.record("password", user=user, table="portal_user",
                                    note="Người dùng tự đổi mật khẩu")
                # The new token ends every other session; this one carries on.
                login_user(user)
                flash("Đã đổi mật khẩu. Các phiên đăng nhập khác của bạn đã kết thúc.", "success")
                return redirect(url_for("admin.index"))
        return self._page(form)

    def _page(self, form):
        return self.render("account.html", form=form, email=current_user.email)

    @expose("/email", methods=("POST",))
    def email(self):
        """Where the user's notifications are also mailed (when the portal sends mail)."""
        address = (request.form.get("email") or "").strip()
        problem = email_problem(address)
        if problem:
            flash(problem, "error")
            return redirect(url_for(".index"))
        user = User.get_by_id(current_user.id)
        if address != user.email:
            with db.atomic():
                auditing.record("update", user, changes={"email": [user.email, address]}, table="portal_user")
                User.update(email=address).where(User.id == user.id).execute()
        flash("Đã lưu địa chỉ thư điện tử." if address else "Đã bỏ địa chỉ thư điện tử: bạn sẽ không nhận "
              "thông báo qua thư.", "success")
        return redirect(url_for(".index"))

    @staticmethod
    def _problem(user, form, current_ok):
        if not current_ok:
            return "Mật khẩu hiện tại không đúng."
        if (form.new.data or "") != (form.confirm.data or ""):
            return "Hai lần nhập mật khẩu mới không khớp."
        return password_problem(form.new.data or "", user.username, user.full_name)
