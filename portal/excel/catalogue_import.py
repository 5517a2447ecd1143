"""Importing villages and organisations from files with Vietnamese headers.

The same reader and rules as the member import (portal.excel.member_import):
every bad row is listed as "Dòng N, cột X: lý do" and nothing is written
unless every row is right; the whole file is written in one transaction.
"""
import datetime
from dataclasses import dataclass

from peewee import fn

from admin_views import auditing
from models import AdministrativeUnit, Organisation, Village, db
from models.geography import VILLAGE_KIND_CHOICES
from models.organisation import KIND_CHOICES, LEVEL_CHOICES
from portal.excel.member_import import _key, _text, parse_date, read
from portal.reporting.import_file import Problem, is_formula, number

VILLAGE_COLUMNS = [
    ("code", "Mã thôn"),
    ("name", "Tên thôn"),
    ("kind", "Loại"),
    ("commune", "Mã xã"),
    ("ethnic_minority", "Vùng đồng bào dân tộc thiểu số"),
    ("ethnic_groups", "Dân tộc chủ yếu"),
]
ORGANISATION_COLUMNS = [
    ("code", "Mã tổ chức"),
    ("name", "Tên tổ chức"),
    ("kind", "Loại tổ chức"),
    ("level", "Cấp"),
    ("parent", "Mã tổ chức cấp trên"),
    ("commune", "Mã xã"),
    ("active_from", "Ngày thành lập"),
]
REQUIRED = {"villages": ("code", "name", "commune"),
            "organisations": ("code", "name", "kind", "level", "parent")}
COLUMNS = {"villages": VILLAGE_COLUMNS, "organisations": ORGANISATION_COLUMNS}
TITLES = {"villages": "Thôn, làng", "organisations": "Tổ chức"}
YES = {"co", "x", "1", "yes", "true"}
NO = {"khong", "", "0", "no", "false"}


def _choices(choices):
    return {_key(label): code for code, label in choices} | {_key(code): code for code, _ in choices}


VILLAGE_KINDS = _choices(VILLAGE_KIND_CHOICES)
KINDS = _choices(KIND_CHOICES)
LEVELS = _choices(LEVEL_CHOICES)


@dataclass
class Summary:
    count: int
    what: str
    source: str

    def message(self, dry_run=False):
        if dry_run:
            return f"Tệp hợp lệ: sẽ nhập {number(self.count)} {self.what}. Chưa ghi gì (chỉ kiểm tra)."
        return f"Đã nhập {number(self.count)} {self.what} từ tệp {self.source}."


def load(kind, filename, data, scope=None, today=None):
    """(rows, problems) for a file of `kind` ("villages" or "organisations")."""
    records, problems = read(filename, data, COLUMNS[kind], REQUIRED[kind])
    if problems:
        return [], problems
    check = _check_villages if kind == "villages" else _check_organisations
    return check(records, dict(COLUMNS[kind]), scope, today or datetime.date.today())


def _cells(line, values, headers, problems):
    item = {}
    for name, raw in values.items():
        if is_formula(raw):
            problems.append(Problem(line, headers[name], "ô chứa công thức; hãy dán giá trị rồi nhập lại"))
            raw = None
        item[name] = raw if name == "active_from" else _text(raw)
    return item


def _required(line, item, names, headers, problems):
    for name in names:
        if not item.get(name) and not any(p.line == line and p.column == headers[name] for p in problems):
            problems.append(Problem(line, headers[name], "để trống"))


def _communes(items):
    codes = list({i["commune"].upper() for i in items if i.get("commune")})
    if not codes:
        return {}
    query = AdministrativeUnit.select().where(fn.UPPER(AdministrativeUnit.code).in_(codes))
    return {u.code.upper(): u for u in query}


def _taken(model, items):
    codes = list({i["code"].upper() for i in items if i.get("code")})
    if not codes:
        return set()
    return {c.upper() for (c,) in model.select(model.code).where(fn.UPPER(model.code).in_(codes)).tuples()}


def _check_villages(records, headers, scope, today):
    problems, items = [], []
    for line, values in records:
        item = _cells(line, values, headers, problems)
        item["line"] = line
        _required(line, item, REQUIRED["villages"], headers, problems)
        items.append(item)
    communes, taken, seen, rows = _communes(items), _taken(Village, items), {}, []
    for item in items:
        line = item.pop("line")
        code = item["code"].upper()
        if code in taken:
            problems.append(Problem(line, headers["code"], f"đã có thôn mã «{item['code']}»"))
        elif code and code in seen:
            problems.append(Problem(line, headers["code"], f"trùng mã với dòng {seen[code]}"))
        seen.setdefault(code, line)
        kind = VILLAGE_KINDS.get(_key(item.get("kind") or "thon"))
        if kind is None:
            problems.append(Problem(line, headers["kind"], f"không có loại «{item['kind']}»; ghi "
                                    + ", ".join(label for _, label in VILLAGE_KIND_CHOICES)))
        commune = communes.get(item["commune"].upper()) if item["commune"] else None
        if item["commune"] and commune is None:
            problems.append(Problem(line, headers["commune"], f"không có xã mã «{item['commune']}»"))
        minority = _key(item.get("ethnic_minority") or "")
        if minority not in YES | NO:
            problems.append(Problem(line, headers["ethnic_minority"], "ghi Có hoặc Không"))
        if len(item["name"]) > 150 or len(item["code"]) > 20:
            problems.append(Problem(line, headers["name"], "mã (tối đa 20) hoặc tên (tối đa 150 ký tự) quá dài"))
        rows.append((line, {"code": item["code"], "name": item["name"], "kind": kind,
                            "commune": commune, "ethnic_minority": minority in YES,
                            "ethnic_groups": item.get("ethnic_groups") or None}))
    problems.sort(key=lambda p: (p.line or 0, p.column or ""))
    return ([] if problems else rows), problems


def _check_organisations(records, headers, scope, today):
    problems, items = [], []
    for line, values in records:
        item = _cells(line, values, headers, problems)
        item["line"] = line
        _required(line, item, REQUIRED["organisations"], headers, problems)
        items.append(item)
    communes, taken = _communes(items), _taken(Organisation, items)
    parent_codes = list({i["parent"].upper() for i in items if i.get("parent")})
    query = Organisation.select().where(fn.UPPER(Organisation.code).in_(parent_codes or [""]))
    if scope is not None:
        query = query.where(Organisation.id.in_(scope))
    parents = {o.code.upper(): o for o in query}
    seen, rows = {}, []
    for item in items:
        line = item.pop("line")
        code = item["code"].upper()
        if code in taken:
            problems.append(Problem(line, headers["code"], f"đã có tổ chức mã «{item['code']}»"))
        elif code and code in seen:
            problems.append(Problem(line, headers["code"], f"trùng mã với dòng {seen[code]}"))
        kind = KINDS.get(_key(item["kind"])) if item["kind"] else None
        if item["kind"] and kind is None:
            problems.append(Problem(line, headers["kind"], f"không có loại tổ chức «{item['kind']}»"))
        level = LEVELS.get(_key(item["level"])) if item["level"] else None
        if item["level"] and level is None:
            problems.append(Problem(line, headers["level"], f"không có cấp «{item['level']}»"))
        parent = item["parent"].upper()
        if parent and parent not in parents and parent not in seen:
            problems.append(Problem(line, headers["parent"], (
                f"không có tổ chức mã «{item['parent']}» (tổ chức cấp trên mới phải ở dòng phía trên)")))
        commune = communes.get(item["commune"].upper()) if item.get("commune") else None
        if item.get("commune") and commune is None:
            problems.append(Problem(line, headers["commune"], f"không có xã mã «{item['commune']}»"))
        active_from, reason = parse_date(item.get("active_from"))
        if reason:
            problems.append(Problem(line, headers["active_from"], reason))
        elif active_from and active_from > today:
            problems.append(Problem(line, headers["active_from"], "không được sau hôm nay"))
        if len(item["name"]) > 200 or len(item["code"]) > 30:
            problems.append(Problem(line, headers["name"], "mã (tối đa 30) hoặc tên (tối đa 200 ký tự) quá dài"))
        seen.setdefault(code, line)
        rows.append((line, {"code": item["code"].upper(), "name": item["name"], "kind": kind,
                            "level": level, "parent": parents.get(parent) or parent,
                            "commune": commune, "active_from": active_from}))
    problems.sort(key=lambda p: (p.line or 0, p.column or ""))
    return ([] if problems else rows), problems


def save(kind, rows, source, user=None, dry_run=False):
    """Create every row in file order in one transaction and audit it."""
    with db.atomic() as transaction:
        created = {}
        for _, data in rows:
            if kind == "villages":
                Village.create(**data)
            else:
                if isinstance(data["parent"], str):
                    data = dict(data, parent=created[data["parent"]])
                created[data["code"].upper()] = Organisation.create(**data)
        what = "thôn, làng" if kind == "villages" else "tổ chức"
        auditing.record("import", table="village" if kind == "villages" else "organisation", user=user,
                        note=f"Tệp {source}: {number(len(rows))} {what}")
        if dry_run:
            transaction.rollback()
    return Summary(len(rows), what, source)
