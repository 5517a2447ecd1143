"""Importing villages (thôn, làng, buôn, plei, tổ dân phố…) from a file with
Vietnamese headers: every row checked, all rows written or none."""
import datetime
import functools

from admin_views import auditing
from models import Village, db
from models.geography import VILLAGE_KIND_CHOICES
from portal import webhooks
from portal.excel import catalogue_import as common
from portal.excel import member_import
from portal.excel.member_import import _key
from portal.excel.progress import MATCHING, WRITING, counted
from portal.reporting.import_file import Problem, number, read_and_check

MODEL = Village
COLUMNS = [
    ("code", "Mã thôn"),
    ("name", "Tên thôn"),
    ("kind", "Loại"),
    ("commune", "Mã xã"),
    ("ethnic_minority", "Vùng đồng bào dân tộc thiểu số"),
    ("ethnic_groups", "Dân tộc chủ yếu"),
]
HEADERS = dict(COLUMNS)
REQUIRED = ("code", "name", "commune")
TITLE = "Thôn, làng"
WHAT = "thôn, làng"
TEMPLATE_NAME = "mau-nhap-thon-lang.xlsx"
KINDS = common.choices(VILLAGE_KIND_CHOICES)
KIND_LABELS = dict(VILLAGE_KIND_CHOICES)
LIMITS = {"code": 20, "name": 150, "ethnic_groups": 200}


def read(filename, data, progress=None):
    """([(line, {field: raw value})], problems) for the data rows of a file."""
    return member_import.read(filename, data, COLUMNS, REQUIRED, progress)


def check(records, scope=None, today=None, progress=None):
    """(rows, problems); rows is empty when anything is wrong. Villages are a
    shared catalogue: `scope` narrows nothing."""
    today = today or datetime.date.today()
    problems = []
    items = common.cells(records, HEADERS, REQUIRED, problems, progress=progress)
    communes, stored, seen, rows = common.communes(items), common.taken(Village, items), {}, []
    for item in counted(items, progress, MATCHING):
        line, notes = item.pop("line"), []
        common.check_code(item, line, stored, seen, HEADERS, "thôn", problems)
        common.too_long(item, line, LIMITS, HEADERS, problems)
        kind = KINDS.get(_key(item.get("kind") or "thon"))
        if kind is None:
            problems.append(Problem(line, HEADERS["kind"], f"không có loại «{item['kind']}»; ghi "
                                    + ", ".join(label for _, label in VILLAGE_KIND_CHOICES)))
        else:
            default = "" if item.get("kind") else " (để trống: mặc định)"
            notes.append(f"Loại: {KIND_LABELS[kind]}{default}")
        commune = common.commune_of(item, communes, line, HEADERS, problems, notes, today)
        minority = _key(item.get("ethnic_minority") or "")
        if minority not in common.YES | common.NO:
            problems.append(Problem(line, HEADERS["ethnic_minority"], "ghi Có hoặc Không"))
        elif minority in common.YES:
            notes.append("Thôn, làng đồng bào dân tộc thiểu số")
        rows.append(common.CatalogueRow(line, {
            "code": item["code"], "name": item["name"], "kind": kind, "commune": commune,
            "ethnic_minority": minority in common.YES,
            "ethnic_groups": item.get("ethnic_groups") or None}, notes))
    problems = common.in_order(problems, COLUMNS)
    return ([] if problems else rows), problems


def save(rows, source, user=None, dry_run=False, progress=None):
    """Create every row in one transaction and audit the file as one entry."""
    with db.atomic() as transaction:
        for row in counted(rows, progress, WRITING):
            Village.create(**row.data)
        auditing.record("import", table="village", user=user, changes={
            "ghi_chu": f"Tệp {source}: {number(len(rows))} {WHAT}",
            "ma": [row.data["code"] for row in rows]})
        if dry_run:
            transaction.rollback()
        else:
            webhooks.import_finished("villages", {"villages": len(rows)}, source, user)
    return common.Summary(len(rows), WHAT, source)


def template_xlsx():
    return member_import.template_xlsx(COLUMNS, TITLE)


# (filename, data, scope=None, today=None, progress=None) → (rows, problems)
load = functools.partial(read_and_check, read, check)
