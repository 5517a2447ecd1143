"""Login, logout, session lifetime, own password, and the user loader."""
import datetime
import secrets
import time
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from peewee import JOIN
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import PasswordField, StringField

from admin_views import auditing
from models import Organisation, Setting, User, db
from portal import throttle

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
    # With the user's organisation: every page of a bound user reads it (the
    # scope of its lists, the navigation bar), a query of its own otherwise.
    user = (User.select(User, Organisation).join(Organisation, JOIN.LEFT_OUTER)
            .where(User.id == int(pk)).get_or_none())
    if user is None or not user.is_enabled or user.session_token != token:
        return None
    return user


@bp.before_app_request
def enforce_session_lifetime():
    """Idle timeout and absolute lifetime, checked on every request."""
    if request.path.startswith("/api/"):
        return None  # tokens, not sessions (portal.api.auth)
    if not current_user.is_authenticated:
        return None
    now = time.time()
    idle = current_app.config["SESSION_IDLE_SECONDS"]
    absolute = current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
    started, seen = session.get("login_at", 0), session.get("seen_at", 0)
    if now - seen > idle or now - started > absolute:
        logout_user()
        session.clear()
        flash("Phiên làm việc đã hết hạn, vui lòng đăng nhập lại.", "info")
        return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
    session["seen_at"] = now
    return None


class LoginForm(FlaskForm):
    username = StringField()
    password = PasswordField()


class PasswordForm(FlaskForm):
    current = PasswordField()
    new = PasswordField()
    confirm = PasswordField()


def safe_next(target):
    """Follow `next` only to a path on this site."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


_dummy_hash = None


def password_matches(user, password):
    """Check `password` for `user` (perhaps None or disabled) at the same cost either way.

    A missing account is checked against a throwaway hash: answering at once
    would tell a guesser which usernames exist.
    """
    global _dummy_hash
    if user is None:
        if _dummy_hash is None:
            _dummy_hash = generate_password_hash(secrets.token_hex(16))
        check_password_hash(_dummy_hash, password)
        return False
    return user.check_password(password) and user.is_enabled


def _start_session(user):
    session.clear()  # a fresh session on login: no fixation
    session.permanent = True
    login_user(user)
    session["login_at"] = session["seen_at"] = time.time()


@bp.route("/login", methods=["GET", "POST"])
def login():
    target = safe_next(request.args.get("next")) or url_for("admin.index")
    if current_user.is_authenticated:
        return redirect(target)
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        username = (form.username.data or "").strip()[:60]
        address = auditing.client_address()
        attempt, wait = throttle.begin(username, address)
        if wait:
            flash(throttle.wait_message(wait), "error")
            status = 429
        else:
            user = User.get_or_none(User.username == username)
            good = password_matches(user, form.password.data or "")
            with db.atomic():
                throttle.finish(attempt, good)
                auditing.record("login" if good else "login_failed", user=user,
                                table="portal_user", note=None if good else f"Tên đăng nhập: {username}")
            if good:
                User.update(last_login_at=datetime.datetime.now()).where(User.id == user.id).execute()
                _start_session(user)
                return redirect(target)
            flash("Tên đăng nhập hoặc mật khẩu không đúng.", "error")
            status = 401
    elif request.method == "POST":
        flash("Phiên làm việc đã hết hạn, vui lòng đăng nhập lại.", "error")
        status = 400
    return render_template("login.html", form=form, province=Setting.get_value("province_name")), status


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        user = User.get_by_id(current_user.id)
        user.end_sessions()
        user.save()
        auditing.record("logout", user=user, table="portal_user")
    logout_user()
    session.clear()
    flash("Bạn đã đăng xuất.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/")
def home():
    return redirect(url_for("admin.index"))
