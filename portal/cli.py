"""Command-line tools: `flask --app wsgi db|users|seed-demo …`."""
import sys

import click
from flask.cli import AppGroup

from models import Organisation, User
from models.passwords import password_problem
from models.user import ROLE_CHOICES
from portal import migrate

db_cli = AppGroup("db", help="Cơ sở dữ liệu: áp dụng và kiểm tra migration.")
users_cli = AppGroup("users", help="Tài khoản người dùng.")


@db_cli.command("upgrade")
def db_upgrade():
    """Apply every pending migration."""
    applied = migrate.upgrade()
    click.echo(f"Đã áp dụng {len(applied)} migration." if applied else "Cơ sở dữ liệu đã ở phiên bản mới nhất.")
    for name in applied:
        click.echo(f"  {name}")


@db_cli.command("status")
def db_status():
    """List migrations; exit 1 while any is pending."""
    waiting = migrate.pending()
    for row in migrate.runner().status():
        mark = "chưa áp dụng" if row.applied is None else f"{row.applied:%d/%m/%Y %H:%M}"
        click.echo(f"{row.name:40} {mark}")
    if waiting:
        click.echo(f"Còn {len(waiting)} migration chưa áp dụng.", err=True)
        sys.exit(1)


def read_password():
    if sys.stdin.isatty():
        return click.prompt("Mật khẩu", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\n")


@users_cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice([code for code, _ in ROLE_CHOICES]), required=True)
@click.option("--org", "org_code", help="Mã tổ chức (bắt buộc với cán bộ đoàn thể).")
@click.option("--full-name", default="")
def users_create(username, role, org_code, full_name):
    """Create a user; the password comes from standard input when it is not a terminal."""
    if User.get_or_none(User.username == username):
        raise click.ClickException(f"Tên đăng nhập {username} đã tồn tại.")
    organisation = None
    if org_code:
        organisation = Organisation.get_or_none(Organisation.code == org_code.upper())
        if organisation is None:
            raise click.ClickException(f"Không có tổ chức mã {org_code}.")
    if role == "editor" and organisation is None:
        raise click.ClickException("Cán bộ đoàn thể phải gắn với một tổ chức (--org).")
    password = read_password()
    problem = password_problem(password, username, full_name)
    if problem:
        raise click.ClickException(problem)
    user = User(username=username, role=role, organisation=organisation, full_name=full_name)
    user.set_password(password)
    user.save()
    click.echo(f"Đã tạo tài khoản {username} ({role}).")


@click.command("seed-demo")
@click.option("--members", default=3000, show_default=True, help="Số hội viên mẫu.")
@click.option("--if-empty", is_flag=True, help="Bỏ qua, không báo lỗi, khi đã có dữ liệu.")
def seed_demo(members, if_empty):
    """Fill an empty database with a believable demo province."""
    from portal import demo

    try:
        passwords = demo.build(members=members)
    except demo.AlreadySeeded as error:
        if if_empty:
            click.echo("Đã có dữ liệu: giữ nguyên. Tài khoản mẫu đã được in ở lần chạy đầu; "
                       "tạo tài khoản mới bằng: flask --app wsgi users create TEN --role admin")
            return
        raise click.ClickException(str(error))
    click.echo("Đã tạo dữ liệu mẫu. Tài khoản (mật khẩu chỉ in một lần):")
    for username, role, password in passwords:
        click.echo(f"  {username:14} {role:12} {password}")


def init_app(app):
    app.cli.add_command(db_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(seed_demo)
