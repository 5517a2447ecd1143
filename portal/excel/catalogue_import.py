"""What the village and organisation imports share: rows, cells and look-ups.

The same reader and rules as the member import (portal.excel.member_import):
every bad row is listed as "Dòng N, cột X: lý do" and nothing is written
unless every row is right; the whole file is written in one transaction.
Each kind is its own module (village_import, organisation_import) with the
interface every import has: COLUMNS, MODEL, TEMPLATE_NAME, read, check,
load, save and template_xlsx.
"""
from dataclasses import dataclass, field

from peewee import fn

from models import AdministrativeUnit
from portal.excel.member_import import _key, _text
from portal.excel.progress import CHECKING, counted
from portal.reporting.import_file import Problem, is_formula, number

YES = {"co", "x", "1", "yes", "true"}
NO = {"khong", "", "0", "no", "false"}


def choices(pairs):
    """Folded label or code → code."""
    return {_key(label): code for code, label in pairs} | {_key(code): code for code, _ in pairs}


@dataclass
class CatalogueRow:
    line: int
    data: dict
    notes: list = field(default_factory=list)

    @property
    def label(self):
        """How the preview names the row."""
        return f"{self.data['name']} ({self.data['code']})"


@dataclass
class Summary:
    count: int
    what: str
    source: str

    def message(self, dry_run=False):
        if dry_run:
            return f"Tệp hợp lệ: sẽ nhập {number(self.count)} {self.what}. Chưa ghi gì (chỉ kiểm tra)."
        return f"Đã nhập {number(self.count)} {self.what} từ tệp {self.source}."


def cells(records, headers, required, problems, raw=(), progress=None):
    """[item] with a "line" each: text cells trimmed, formulas refused,
    required cells checked; fields in `raw` keep their cell value (dates)."""
    items = []
    for line, values in counted(records, progress, CHECKING):
        item = {"line": line}
        for name, value in values.items():
            if is_formula(value):
                problems.append(Problem(line, headers[name], (
                    "ô chứa công thức; hãy dán giá trị (Dán đặc biệt → Giá trị) rồi nhập lại")))
                value = None
            item[name] = value if name in raw else _text(value)
        for name in required:
            if not item.get(name) and not any(p.line == line and p.column == headers[name]
                                              for p in problems):
                problems.append(Problem(line, headers[name], "để trống"))
        items.append(item)
    return items


def communes(items):
    """Administrative units named by the rows' "commune" codes, by upper-case code."""
    codes = list({i["commune"].upper() for i in items if i.get("commune")})
    if not codes:
        return {}
    query = AdministrativeUnit.select().where(fn.UPPER(AdministrativeUnit.code).in_(codes))
    return {u.code.upper(): u for u in query}


def commune_of(item, found, line, headers, problems, notes, today):
    """The row's commune, with its note or its problem."""
    if not item.get("commune"):
        return None
    commune = found.get(item["commune"].upper())
    if commune is None:
        problems.append(Problem(line, headers["commune"], f"không có xã mã «{item['commune']}»"))
    elif commune.active_to and commune.active_to <= today:
        problems.append(Problem(line, headers["commune"], (
            f"xã {commune.code} đã hết hiệu lực (sáp nhập hoặc giải thể)")))
    else:
        notes.append(f"Xã: {commune.name} ({commune.code}) — theo mã")
    return commune


def taken(model, items):
    """Upper-case codes of the rows already used by a stored `model` row."""
    codes = list({i["code"].upper() for i in items if i.get("code")})
    if not codes:
        return set()
    stored = set()
    for start in range(0, len(codes), 500):
        query = model.select(model.code).where(fn.UPPER(model.code).in_(codes[start:start + 500]))
        stored |= {c.upper() for (c,) in query.tuples()}
    return stored


def check_code(item, line, stored, seen, headers, what, problems):
    """A new code: not stored yet and not twice in the file."""
    code = item["code"].upper()
    if code in stored:
        problems.append(Problem(line, headers["code"], f"đã có {what} mã «{item['code']}»"))
    elif code and code in seen:
        problems.append(Problem(line, headers["code"], f"trùng mã với dòng {seen[code]}"))
    seen.setdefault(code, line)


def too_long(item, line, limits, headers, problems):
    for name, limit in limits.items():
        if len(item.get(name) or "") > limit:
            problems.append(Problem(line, headers[name], f"dài quá {limit} ký tự"))


def in_order(problems, columns):
    """Problems sorted by row, then by the column's place in the template."""
    order = {header: i for i, (_, header) in enumerate(columns)}
    return sorted(set(problems), key=lambda p: (p.line or 0, order.get(p.column, 99), p.reason))
