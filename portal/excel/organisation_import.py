"""Importing organisations (units, branches, groups) from a file with
Vietnamese headers: parents before children, all rows written or none.

A parent is an organisation already stored, found by code inside the
importing user's section (`scope`; a code outside it reads as unknown), or a
new organisation on a row above.
"""
import datetime
import functools

from peewee import fn

from admin_views import auditing
from models import Organisation, db
from models.organisation import KIND_CHOICES, LEVEL_CHOICES
from portal import webhooks
from portal.excel import catalogue_import as common
from portal.excel import member_import
from portal.excel.member_import import _common_ancestor, _key, parse_date
from portal.excel.progress import MATCHING, WRITING, counted
from portal.reporting.import_file import Problem, number, read_and_check

MODEL = Organisation
COLUMNS = [
    ("code", "Mã tổ chức"),
    ("name", "Tên tổ chức"),
    ("kind", "Loại tổ chức"),
    ("level", "Cấp"),
    ("parent", "Mã tổ chức cấp trên"),
    ("commune", "Mã xã"),
    ("active_from", "Ngày thành lập"),
]
HEADERS = dict(COLUMNS)
REQUIRED = ("code", "name", "kind", "level", "parent")
TITLE = "Tổ chức"
WHAT = "tổ chức"
TEMPLATE_NAME = "mau-nhap-to-chuc.xlsx"
KINDS = common.choices(KIND_CHOICES)
LEVELS = common.choices(LEVEL_CHOICES)
LIMITS = {"code": 30, "name": 200}


def read(filename, data, progress=None):
    """([(line, {field: raw value})], problems) for the data rows of a file."""
    return member_import.read(filename, data, COLUMNS, REQUIRED, progress)


def _parents(items, scope):
    codes = list({i["parent"].upper() for i in items if i.get("parent")})
    if not codes:
        return {}
    query = Organisation.select().where(fn.UPPER(Organisation.code).in_(codes))
    if scope is not None:
        query = query.where(Organisation.id.in_(scope))
    return {o.code.upper(): o for o in query}


def _codes_within(codes, scope):
    if scope is None or not codes:
        return set(codes)
    query = Organisation.select(Organisation.code).where(
        fn.UPPER(Organisation.code).in_(list(codes)), Organisation.id.in_(scope))
    return {code.upper() for (code,) in query.tuples()}


def _choice(item, name, table, labels, line, what, problems, notes):
    if not item.get(name):
        return None
    code = table.get(_key(item[name]))
    if code is None:
        problems.append(Problem(line, HEADERS[name], f"không có {what} «{item[name]}»; ghi "
                                + ", ".join(label for _, label in labels)))
    else:
        notes.append(f"{HEADERS[name]}: {dict(labels)[code]}")
    return code


def check(records, scope=None, today=None, progress=None):
    """(rows, problems); rows is empty when anything is wrong. Parents outside
    `scope` (a subquery of organisation ids; None: all) read as unknown."""
    today = today or datetime.date.today()
    problems = []
    items = common.cells(records, HEADERS, REQUIRED, problems, progress=progress, raw=("active_from",))
    communes, stored = common.communes(items), common.taken(Organisation, items)
    # A code taken outside the user's section is refused without saying by what.
    elsewhere = stored - _codes_within(stored, scope)
    stored -= elsewhere
    parents, seen, rows = _parents(items, scope), {}, []
    for item in counted(items, progress, MATCHING):
        line, notes = item.pop("line"), []
        code = item["code"].upper()
        common.check_code(item, line, stored, seen, HEADERS, "tổ chức", problems)
        if code in elsewhere:
            problems.append(Problem(line, HEADERS["code"], f"mã «{item['code']}» đã có trong hệ thống"))
        common.too_long(item, line, LIMITS, HEADERS, problems)
        kind = _choice(item, "kind", KINDS, KIND_CHOICES, line, "loại tổ chức", problems, notes)
        level = _choice(item, "level", LEVELS, LEVEL_CHOICES, line, "cấp", problems, notes)
        parent_code = item["parent"].upper()
        parent = parents.get(parent_code)
        if parent is not None:
            if not parent.is_active:
                problems.append(Problem(line, HEADERS["parent"], (
                    f"tổ chức {parent.code} đã ngừng hoạt động (giải thể hoặc sáp nhập)")))
            else:
                notes.insert(0, f"Cấp trên: {parent.name} ({parent.code}) — theo mã")
        elif parent_code and parent_code in seen and parent_code != code:
            notes.insert(0, f"Cấp trên: {item['parent']} — tổ chức mới ở dòng {seen[parent_code]} của tệp")
        elif parent_code:
            problems.append(Problem(line, HEADERS["parent"], (
                f"không có tổ chức mã «{item['parent']}» (tổ chức cấp trên mới phải ở dòng phía trên)")))
        commune = common.commune_of(item, communes, line, HEADERS, problems, notes, today)
        active_from, reason = parse_date(item.get("active_from"))
        if reason:
            problems.append(Problem(line, HEADERS["active_from"], reason))
        elif active_from and active_from > today:
            problems.append(Problem(line, HEADERS["active_from"], "không được sau hôm nay"))
        elif active_from:
            notes.append(f"{HEADERS['active_from']}: {active_from:%d/%m/%Y}")
        rows.append(common.CatalogueRow(line, {
            "code": code, "name": item["name"], "kind": kind, "level": level,
            "parent": parent or parent_code, "commune": commune, "active_from": active_from}, notes))
    problems = common.in_order(problems, COLUMNS)
    return ([] if problems else rows), problems


def save(rows, source, user=None, dry_run=False, progress=None):
    """Create every row in file order in one transaction and audit the file."""
    with db.atomic() as transaction:
        created = {}
        for row in counted(rows, progress, WRITING):
            data = dict(row.data)
            if isinstance(data["parent"], str):
                data["parent"] = created[data["parent"]]
            created[data["code"]] = Organisation.create(**data)
        auditing.record("import", table="organisation", user=user,
                        organisation_id=_common_ancestor(list(created.values())), changes={
                            "ghi_chu": f"Tệp {source}: {number(len(rows))} {WHAT}",
                            "ma": list(created)})
        if dry_run:
            transaction.rollback()
        else:
            webhooks.import_finished("organisations", {"organisations": len(rows)}, source, user)
    return common.Summary(len(rows), WHAT, source)


def template_xlsx():
    return member_import.template_xlsx(COLUMNS, TITLE)


# (filename, data, scope=None, today=None, progress=None) → (rows, problems)
load = functools.partial(read_and_check, read, check)
