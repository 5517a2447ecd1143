"""Command-line tools: `flask --app wsgi db|users|import|export|seed-demo|generate …`."""
import os
import sys

import click
from flask.cli import AppGroup

from models import Organisation, User
from models.passwords import password_problem
from models.user import ROLE_CHOICES
from portal import migrate
from portal.generate.shape import COMMUNES_FULL, COMMUNES_MIN
from portal.reporting import importer

db_cli = AppGroup("db", help="Cơ sở dữ liệu: migration, sao lưu và khôi phục.")
users_cli = AppGroup("users", help="Tài khoản người dùng.")
import_cli = AppGroup("import", help="Nhập dữ liệu từ tệp.")
export_cli = AppGroup("export", help="Xuất dữ liệu ra tệp.")


@export_cli.command("giao-ban")
@click.option("--mode", default="quarter", show_default=True,
              help="Cách chọn kỳ như trang tổng hợp: quarter (quý), ytd (từ đầu năm), year (cả năm), "
                   "range (khoảng quý, cần --from và --to).")
@click.option("--year", default=None, help="Năm, ví dụ 2024 (mặc định: quý gần nhất có số liệu).")
@click.option("--quarter", default=None, help="Quý, 1–4 (mặc định: quý gần nhất có số liệu).")
@click.option("--from", "first", default=None, help="Quý bắt đầu của khoảng, dạng NĂM-QUÝ, ví dụ 2024-1.")
@click.option("--to", "last", default=None, help="Quý kết thúc của khoảng, dạng NĂM-QUÝ, ví dụ 2024-4.")
@click.option("--drafts", is_flag=True, help="Tính cả báo cáo nháp (chưa gửi).")
@click.option("--parent", default=None, help="Mã đơn vị cha (mặc định: Khối).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True)
@click.option("--by", "produced_by", default="Văn phòng Khối", show_default=True, help="Người lập.")
def export_giao_ban(mode, year, quarter, first, last, drafts, parent, output, produced_by):
    """Write the giao ban workbook of a period, chosen as on the totals page, to an xlsx file."""
    from admin_views import auditing
    from models import Setting
    from portal.excel.giao_ban import write_giao_ban
    from portal.reporting.totals import BadSelection, Selection, build, parse_period
    from portal.reporting.totals_view import default_quarter

    # The page's query, so the page's parser (and its words) decide.
    given = {"mode": mode, "year": year, "quarter": quarter, "from": first, "to": last,
             "drafts": "1" if drafts else None}
    try:
        mode, quarters, drafts = parse_period({k: v for k, v in given.items() if v is not None},
                                              default_quarter(drafts))
    except BadSelection as problem:
        raise click.ClickException(str(problem))
    root = Organisation.get_or_none(Organisation.code == (parent or "KHOI").upper())
    if root is None:
        raise click.ClickException(f"Không có tổ chức mã {parent}.")
    totals = build(Selection(root, mode, quarters, include_drafts=drafts))
    with open(output, "wb") as stream:
        write_giao_ban(stream, totals, Setting.get_value("province_name"), produced_by)
    counted = ", tính cả báo cáo nháp" if drafts else ""
    auditing.record("export", table="quarterly_report", organisation_id=root.id,
                    note=f"Sổ giao ban {totals.selection.label}{counted} (dòng lệnh), tệp {output}")
    click.echo(f"Đã ghi sổ giao ban {totals.selection.label}{counted} của {root.name} vào {output}.")


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


@users_cli.command("token")
@click.argument("username")
@click.option("--label", default="Khóa tạo từ dòng lệnh", show_default=True,
              help="Tên khóa, để nhận ra nó trong trang Khóa API (tối đa 80 ký tự).")
@click.option("--expires-days", type=int, default=None,
              help="Hết hạn sau bấy nhiêu ngày (mặc định: không hết hạn).")
@click.option("--read-only", is_flag=True, help="Khóa chỉ được đọc, không được ghi.")
def users_token(username, label, expires_days, read_only):
    """Issue a personal API token for USERNAME; the token alone is the last line printed."""
    from portal import api_keys

    user = User.get_or_none(User.username == username)
    if user is None:
        raise click.ClickException(f"Không có tài khoản {username}.")
    if not user.is_enabled:
        raise click.ClickException(f"Tài khoản {username} đang bị khóa: không cấp khóa API.")
    try:
        row, plaintext = api_keys.issue(user, label, expires_days, read_only, note="Cấp từ dòng lệnh")
    except api_keys.TokenProblem as problem:
        raise click.ClickException(str(problem)) from None
    rights = "chỉ đọc" if read_only else "đọc và ghi"
    until = f"hết hạn {row.expires_at:%d/%m/%Y}" if row.expires_at else "không hết hạn"
    click.echo(f"Đã cấp khóa API \"{row.label}\" cho {username} ({rights}, {until}).")
    click.echo("Khóa chỉ in một lần; gửi kèm tiêu đề Authorization: Bearer <khóa>:")
    click.echo(plaintext)


def _read_file(path):
    try:
        with open(path, "rb") as fh:
            return os.path.basename(path), fh.read()
    except FileNotFoundError:
        raise click.ClickException(f"Không mở được tệp {path}: tệp không tồn tại.") from None
    except OSError as error:
        raise click.ClickException(f"Không mở được tệp {path} ({error.strerror}).") from None


def _refuse_if_problems(name, problems):
    """Print every bad row and stop: an import writes all its rows or none."""
    if problems:
        for problem in problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"Tệp {name} có {importer.number(len(problems))} lỗi; "
                                   "chưa ghi gì vào cơ sở dữ liệu.")


@import_cli.command("reports")
@click.argument("path", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Chỉ kiểm tra tệp, không ghi gì.")
@click.option("--approve", is_flag=True,
              help="Nhập bù lịch sử: tạo báo cáo mới ở trạng thái đã duyệt (cần --reason).")
@click.option("--reason", default=None, help="Lý do nhập dạng đã duyệt, ghi vào nhật ký hệ thống.")
def import_reports(path, dry_run, approve, reason):
    """Load quarterly figures into draft reports from a CSV or xlsx file with the
    columns org_code, year, quarter, indicator_code, value: all rows or none.
    With --approve and --reason, back-fill past quarters as new approved reports."""
    from admin_views import report_rules

    if reason is not None and not approve:
        raise click.ClickException("--reason chỉ dùng cùng --approve (nhập dạng đã duyệt).")
    # Whoever runs the command line administers the server: the admin's rules.
    refusal = report_rules.import_problem("admin", approve, reason)
    if refusal:
        raise click.ClickException(refusal)
    name, data = _read_file(path)
    rows, problems = importer.load(name, data, role="admin", approve=approve)
    _refuse_if_problems(name, problems)
    try:
        summary = importer.save(rows, name, dry_run=dry_run, approve=approve, reason=reason)
    except importer.ImportConflict as error:
        raise click.ClickException(str(error))
    click.echo(summary.message(dry_run))


@import_cli.command("members")
@click.argument("path", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Chỉ kiểm tra tệp, không ghi gì.")
def import_members(path, dry_run):
    """Load members from a CSV or xlsx file with Vietnamese headers (Họ và tên,
    Giới tính, Ngày sinh, Mã chi hội…): all rows or none."""
    from portal.excel import member_import

    name, data = _read_file(path)
    rows, problems = member_import.load(name, data)
    _refuse_if_problems(name, problems)
    summary = member_import.save(rows, name, dry_run=dry_run)
    click.echo(summary.message(dry_run))


def _import_catalogue(module, path, dry_run):
    name, data = _read_file(path)
    rows, problems = module.load(name, data)
    _refuse_if_problems(name, problems)
    click.echo(module.save(rows, name, dry_run=dry_run).message(dry_run))


@import_cli.command("villages")
@click.argument("path", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Chỉ kiểm tra tệp, không ghi gì.")
def import_villages(path, dry_run):
    """Load villages (Mã thôn, Tên thôn, Loại, Mã xã…) from a CSV or xlsx file: all rows or none."""
    from portal.excel import village_import

    _import_catalogue(village_import, path, dry_run)


@import_cli.command("organisations")
@click.argument("path", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Chỉ kiểm tra tệp, không ghi gì.")
def import_organisations(path, dry_run):
    """Load organisations (Mã tổ chức, Tên tổ chức, Loại tổ chức, Cấp, Mã tổ chức cấp trên…)
    from a CSV or xlsx file, parents before children: all rows or none."""
    from portal.excel import organisation_import

    _import_catalogue(organisation_import, path, dry_run)


@import_cli.command("template")
@click.argument("kind", type=click.Choice(["members", "villages", "organisations"]))
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True)
def import_template(kind, output):
    """Write an empty xlsx template with the Vietnamese headers of one kind of import."""
    from portal.excel import member_import, organisation_import, village_import

    module = {"members": member_import, "villages": village_import,
              "organisations": organisation_import}[kind]
    with open(output, "wb") as fh:
        fh.write(module.template_xlsx())
    click.echo(f"Đã ghi tệp mẫu vào {output}.")


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
    _print_accounts(passwords)


def _print_accounts(passwords):
    for username, role, password in passwords:
        click.echo(f"  {username:14} {role:12} {password}")


@click.command("generate")
@click.option("--members", type=click.IntRange(min=0), required=True, help="Số hội viên, ví dụ 1000000.")
@click.option("--seed", type=int, default=2024, show_default=True,
              help="Hạt giống ngẫu nhiên: cùng hạt giống cho cùng dữ liệu.")
@click.option("--communes", type=click.IntRange(min=COMMUNES_MIN), default=COMMUNES_FULL, show_default=True,
              help="Số xã, phường (135: đủ tỉnh, khoảng 2.000 thôn và 10.000 tổ chức; "
                   "12: bản nhỏ để thử).")
def generate(members, seed, communes):
    """Fill an empty, freshly migrated database with a synthetic province of
    realistic size (about 10,000 organisations, 2,000 villages, N members,
    eight quarters of reports), reproducible for a seed. Progress goes to stderr."""
    from portal import demo
    from portal.generate import generate as build

    def progress(text):
        click.echo(text, err=True)

    try:
        summary = build(members=members, seed=seed, communes=communes, progress=progress)
    except demo.AlreadySeeded as error:
        raise click.ClickException(str(error))
    for line in summary.lines():
        click.echo(line)
    click.echo("Tài khoản (mật khẩu chỉ in một lần):")
    _print_accounts(summary.accounts)


def init_app(app):
    from portal.backup import cli as backup_cli

    db_cli.add_command(backup_cli.backup)
    db_cli.add_command(backup_cli.restore)
    app.cli.add_command(db_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(import_cli)
    from portal.documents.cli import conclusion_notice, meeting_report
    for command in (meeting_report, conclusion_notice):
        export_cli.add_command(command)
    app.cli.add_command(export_cli)
    app.cli.add_command(seed_demo)
    app.cli.add_command(generate)
