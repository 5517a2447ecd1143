"""Accounts, managed by admins: create, deactivate, reset password, change role."""
from wtforms import PasswordField
from wtforms.validators import ValidationError

from admin_views.base import PortalModelView
from admin_views.filters import choice_filter
from models import User
from models.passwords import password_problem
from models.user import email_problem


class UserView(PortalModelView):
    access = "system"
    # No API: an account carries its password hash and session token, and
    # creating one needs a password chosen by a person; tokens act as an
    # account, they do not make accounts (flask users create, the screen).
    api = False
    can_delete = False  # accounts are deactivated, never deleted: the audit names them
    column_list = ("username", "full_name", "role", "organisation", "is_enabled", "last_login_at")
    column_labels = {
        "username": "Tên đăng nhập", "full_name": "Họ và tên", "role": "Vai trò",
        "organisation": "Tổ chức", "is_enabled": "Đang hoạt động", "created_at": "Tạo lúc",
        "last_login_at": "Đăng nhập lần cuối", "new_password": "Mật khẩu mới", "email": "Thư điện tử",
    }
    column_details_exclude_list = ("password_hash", "session_token", "version", "search_text")
    column_sortable_list = ("username", "role", "last_login_at")
    column_default_sort = "username"
    column_filters = (choice_filter(User.role, "Vai trò"), User.is_enabled)
    form_columns = ("username", "full_name", "email", "role", "organisation", "is_enabled")
    form_args = {"email": {"description": "Nhận bản sao thông báo qua thư điện tử (để trống: không nhận)."}}
    form_extra_fields = {
        "new_password": PasswordField(
            "Mật khẩu mới",
            description="Bắt buộc khi tạo tài khoản; khi sửa, để trống nếu không đặt lại mật khẩu.",
        ),
    }

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        if model.role == "editor" and not model.organisation_id:
            raise ValidationError("Cán bộ đoàn thể phải gắn với một tổ chức.")
        if model.role in ("admin", "secretariat") and model.organisation_id:
            raise ValidationError("Quản trị và văn phòng Khối làm việc trên toàn tỉnh: bỏ trống tổ chức.")
        model.email = (model.email or "").strip()
        if email_problem(model.email):
            raise ValidationError(email_problem(model.email))
        password = form.new_password.data or ""
        if is_created and not password:
            raise ValidationError("Cần đặt mật khẩu cho tài khoản mới.")
        if password:
            problem = password_problem(password, model.username, model.full_name)
            if problem:
                raise ValidationError(problem)
            model.set_password(password)
        elif not is_created:
            before = User.get_by_id(model.id)
            if (before.role, before.organisation_id, before.is_enabled) != (
                    model.role, model.organisation_id, model.is_enabled):
                # A changed role, section or a deactivation ends every session now.
                model.end_sessions()
