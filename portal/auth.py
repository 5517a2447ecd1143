"""Login, logout and the user loader."""
import datetime
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField

from models import Setting, User

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Vui lòng đăng nhập để tiếp tục."
login_manager.login_message_category = "info"

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(user_id):
    """Session ids are "<id>:<token>": a rotated token ends old sessions."""
    pk, _, token = (user_id or "").partition(":")
    if not pk.isdigit():
        return None
    user = User.get_or_none(User.id == int(pk))
    if user is None or not user.is_enabled or user.session_token != token:
        return None
    return user


class LoginForm(FlaskForm):
    username = StringField()
    password = PasswordField()


def safe_next(target):
    """Follow `next` only to a path on this site."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    target = safe_next(request.args.get("next")) or url_for("admin.index")
    if current_user.is_authenticated:
        return redirect(target)
    form = LoginForm()
    if form.validate_on_submit():
        username = (form.username.data or "").strip()
        user = User.get_or_none(User.username == username)
        if user is not None and user.is_enabled and user.check_password(form.password.data or ""):
            login_user(user)
            User.update(last_login_at=datetime.datetime.now()).where(User.id == user.id).execute()
            return redirect(target)
        flash("Tên đăng nhập hoặc mật khẩu không đúng.", "error")
    elif request.method == "POST":
        flash("Phiên làm việc đã hết hạn, vui lòng đăng nhập lại.", "error")
    status = 401 if request.method == "POST" else 200
    return render_template("login.html", form=form, province=Setting.get_value("province_name")), status


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    flash("Bạn đã đăng xuất.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/")
def home():
    return redirect(url_for("admin.index"))
