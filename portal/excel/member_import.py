"""Importing members from a CSV or xlsx file with Vietnamese column headers.

The file is read by the same reader as the report-figures import (types,
damaged files, size limits); here the header is matched by Vietnamese name,
each row is parsed and checked with Member.problems(), and organisations,
villages and duplicates are looked up in a few batched queries. `check`
returns (rows, problems); `save` writes every row in one transaction, so a
file lands whole or not at all.
"""
import datetime
import functools
import io
import itertools
import os
import re
from dataclasses import dataclass, field

import openpyxl
from peewee import fn

from admin_views import auditing
from models import Member, Organisation, Village, db
from models.choices import ETHNIC_GROUPS, GENDER_CHOICES, RELIGION_CHOICES
from models.member import STATUS_CHOICES
from models.text import fold
from portal import webhooks
from portal.excel.progress import CHECKING, MATCHING, WRITING, counted
from portal.reporting.import_file import (
    FileProblem, Problem, _table, blank, data_rows, is_formula, merged_ranges, number,
    read_and_check,
)

MODEL = Member
WHAT = "hội viên"
# (field, Vietnamese header): the order of the template.
COLUMNS = [
    ("full_name", "Họ và tên"),
    ("gender", "Giới tính"),
    ("date_of_birth", "Ngày sinh"),
    ("ethnicity", "Dân tộc"),
    ("religion", "Tôn giáo"),
    ("citizen_id", "Số CCCD"),
    ("phone", "Điện thoại"),
    ("village", "Mã thôn"),
    ("branch_code", "Mã chi hội"),
    ("branch_name", "Tên chi hội"),
    ("card_number", "Số thẻ"),
    ("joined_on", "Ngày vào"),
    ("status", "Tình trạng"),
    ("left_on", "Ngày thôi sinh hoạt"),
    ("leave_reason", "Lý do thôi sinh hoạt"),
    ("party_introduced_on", "Ngày giới thiệu cho Đảng"),
    ("party_admitted_on", "Ngày kết nạp Đảng"),
]
HEADERS = dict(COLUMNS)
DATE_FIELDS = ("date_of_birth", "joined_on", "left_on", "party_introduced_on", "party_admitted_on")
# Columns a sheet may carry that are not imported (row numbers).
IGNORED = {"stt", "so thu tu"}
TEMPLATE_NAME = "mau-nhap-hoi-vien.xlsx"
DATE_TEXT = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def _key(text):
    """Header / choice matching: case, accents, spacing and hyphens ignored."""
    return " ".join(re.findall(r"[a-z0-9]+", fold(re.sub(r"\(.*?\)|\*", " ", str(text)))))


GENDERS = {_key(label): code for code, label in GENDER_CHOICES} | {_key(c): c for c, _ in GENDER_CHOICES}
RELIGIONS = ({_key(label): code for code, label in RELIGION_CHOICES}
             | {_key(code): code for code, _ in RELIGION_CHOICES})
STATUSES = ({_key(label): code for code, label in STATUS_CHOICES}
            | {_key(code): code for code, _ in STATUS_CHOICES})


def _ethnicities():
    by_key = {}
    for name in ETHNIC_GROUPS:
        by_key.setdefault(_key(name), []).append(name)
    # Names as often written locally.
    for alias, name in (("jrai", "Gia Rai"), ("gia lai", "Gia Rai"), ("bahnar", "Ba Na"),
                        ("ede", "Ê Đê"), ("hmong", "Mông"), ("h mong", "Mông"), ("kho mu", "Khơ mú")):
        by_key.setdefault(alias, [name])
    return by_key


ETHNICITIES = _ethnicities()


@dataclass
class MemberRow:
    line: int
    data: dict
    branch: Organisation
    village: Village | None
    notes: list = field(default_factory=list)

    @property
    def label(self):
        """How the preview names the row."""
        return self.data["full_name"]


@dataclass
class Summary:
    count: int
    source: str

    def message(self, dry_run=False):
        if dry_run:
            return f"Tệp hợp lệ: sẽ nhập {number(self.count)} hội viên. Chưa ghi gì (chỉ kiểm tra)."
        return f"Đã nhập {number(self.count)} hội viên từ tệp {self.source}."


# --- reading -------------------------------------------------------------------------

def read(filename, data, columns=None, required=None, progress=None):
    """([(line, {field: raw value})], problems) for the data rows of a file
    whose headers are the Vietnamese names of `columns` (default: members);
    progress(done, total, stage) hears of the rows read (portal.excel.progress)."""
    try:
        table = _table(filename, data, progress)
        merged = _merged_cells(filename, data)
        return _records(table, merged, columns, required), []
    except FileProblem as problem:
        return [], [Problem(None, None, str(problem))]


def _merged_cells(filename, data):
    """Merged ranges of the first sheet below the header ("A3:A5", …)."""
    if os.path.splitext(filename or "")[1].lower() != ".xlsx":
        return []
    # Read from the sheet's XML: loading every cell just for this held a big file twice.
    return [ref for ref in merged_ranges(data) if int(re.sub(r"[A-Z]+", "", ref.split(":")[-1])) > 1]


def _records(table, merged, columns=None, required=None):
    if not table or all(blank(v) for row in table for v in row):
        raise FileProblem("Tệp trống: không có dòng tiêu đề và dữ liệu nào.")
    if merged:
        raise FileProblem(f"Trang tính có ô gộp trong vùng dữ liệu ({', '.join(merged[:5])}): hãy bỏ "
                          "gộp ô (Merge & Center → Unmerge), điền đủ giá trị vào từng dòng rồi nhập lại.")
    headers = dict(columns) if columns else HEADERS
    by_header = {_key(header): name for name, header in headers.items()}
    where, unknown = {}, []
    for index, value in enumerate(table[0]):
        if blank(value):
            continue
        name = by_header.get(_key(value))
        if name is None:
            if _key(value) not in IGNORED:
                unknown.append(str(value).strip())
        elif name in where:
            raise FileProblem(f"Dòng 1 (tiêu đề) có cột lặp lại: {headers[name]}.")
        else:
            where[name] = index
    if unknown:
        raise FileProblem(f"Dòng 1 (tiêu đề) có cột không nhận ra: {', '.join(unknown)}. Các cột được "
                          f"nhận: {', '.join(headers.values())}.")
    if columns:
        missing = [headers[c] for c in required or () if c not in where]
    else:
        missing = [HEADERS[c] for c in ("full_name", "gender") if c not in where]
        if "branch_code" not in where and "branch_name" not in where:
            missing.append(f"{HEADERS['branch_code']} (hoặc {HEADERS['branch_name']})")
    if missing:
        raise FileProblem(f"Dòng 1 (tiêu đề) thiếu cột bắt buộc: {', '.join(missing)}.")
    return data_rows(table, where, "dữ liệu")


# --- one cell ------------------------------------------------------------------------

def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", " ", str(value)).strip()


def parse_date(value):
    """(date, None) or (None, reason); blank is (None, None)."""
    if blank(value):
        return None, None
    if isinstance(value, datetime.datetime):
        return value.date(), None
    if isinstance(value, datetime.date):
        return value, None
    if isinstance(value, (int, float)):
        return None, (f"«{_text(value)}» là số, không phải ngày; hãy định dạng ô là ngày hoặc ghi "
                      "dạng dd/mm/yyyy")
    text = _text(value)
    match = DATE_TEXT.fullmatch(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
    elif ISO_DATE.fullmatch(text):
        year, month, day = (int(g) for g in ISO_DATE.fullmatch(text).groups())
    else:
        return None, f"«{text}» không phải ngày dạng dd/mm/yyyy"
    try:
        return datetime.date(year, month, day), None
    except ValueError:
        return None, f"«{text}» không phải ngày có thật"


def _digits(value, label, length_hint):
    """Citizen IDs and phones must stay text: a number cell loses the leading 0."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        text = _text(value)
        if len(text) < length_hint:
            return None, (f"«{text}» được lưu dạng số nên đã mất số 0 ở đầu; hãy định dạng cột "
                          f"{label} là Văn bản (Text) và nhập lại")
        return text, None
    return _text(value) or None, None


def _choice(value, table, label):
    text = _text(value)
    if not text:
        return None, None
    code = table.get(_key(text))
    if code is None:
        return None, f"không có {label} «{text}»"
    return code, None


# --- checking --------------------------------------------------------------------------

def check(records, scope=None, today=None, progress=None):
    """(rows, problems); rows is empty when anything is wrong. Organisations
    outside `scope` (a subquery of ids; None: all) read as unknown."""
    today = today or datetime.date.today()
    problems, parsed = [], []
    for line, values in counted(records, progress, CHECKING):
        item, found = _parse(line, values)
        problems += found
        parsed.append(item)
    codes, names = _branches(parsed, scope)
    villages = {v.code.upper(): v for v in Village.select().where(
        fn.UPPER(Village.code).in_(list({p["village"].upper() for p in parsed if p["village"]}) or [""]))}
    rows = []
    for item in counted(parsed, progress, MATCHING):
        line, notes = item.pop("line"), item.pop("notes")
        code, name = item.pop("branch_code"), item.pop("branch_name")
        branch = None
        if code:
            branch = codes.get(code.upper())
            if branch is None:
                problems.append(Problem(line, HEADERS["branch_code"], f"không có tổ chức mã «{code}»"))
            elif name and _key(name) != _key(branch.name):
                problems.append(Problem(line, HEADERS["branch_name"], (
                    f"mã «{code}» là {branch.name}, không phải «{name}»")))
            else:
                notes.append(f"Tổ chức: {branch.name} ({branch.code}) — theo mã")
        elif name:
            found = names.get(_key(name), [])
            if len(found) == 1:
                branch = found[0]
                notes.append(f"Tổ chức: {branch.name} ({branch.code}) — theo tên")
            elif found:
                problems.append(Problem(line, HEADERS["branch_name"], (
                    f"có {len(found)} tổ chức tên «{name}» ({', '.join(o.code for o in found)}); "
                    f"hãy ghi {HEADERS['branch_code']}")))
            else:
                problems.append(Problem(line, HEADERS["branch_name"], f"không có tổ chức tên «{name}»"))
        elif not any(p.line == line and p.column in (HEADERS["branch_code"], HEADERS["branch_name"])
                     for p in problems):
            problems.append(Problem(line, HEADERS["branch_code"], "để trống; cần mã hoặc tên chi hội"))
        village = None
        if item["village"]:
            village = villages.get(item["village"].upper())
            if village is None:
                problems.append(Problem(line, HEADERS["village"], f"không có thôn mã «{item['village']}»"))
            else:
                notes.append(f"Thôn: {village.name} ({village.code})")
        item["village"] = village.id if village else None
        member = Member(**item)  # no branch: duplicates are checked in bulk below
        for name_, reason in member.problems(today).items():
            problems.append(Problem(line, HEADERS.get(name_, name_), reason))
        if branch is not None and not branch.is_active:
            problems.append(Problem(line, HEADERS["branch_code" if code else "branch_name"], (
                f"tổ chức {branch.code} đã ngừng hoạt động (giải thể hoặc sáp nhập)")))
        if village is not None and village.active_to and village.active_to <= today:
            problems.append(Problem(line, HEADERS["village"], f"thôn {village.code} đã ngừng sử dụng"))
        if branch is not None:
            item["branch"] = branch.id
            rows.append(MemberRow(line, item, branch, village, notes))
    problems += _duplicates(rows, scope)
    order = {header: i for i, (_, header) in enumerate(COLUMNS)}
    problems = sorted(set(problems), key=lambda p: (p.line or 0, order.get(p.column, 99), p.reason))
    return ([] if problems else rows), problems


def _parse(line, values):
    problems, notes = [], []
    item = {"line": line, "notes": notes}
    for name, raw in values.items():
        if is_formula(raw):
            problems.append(Problem(line, HEADERS[name], (
                "ô chứa công thức; hãy dán giá trị (Dán đặc biệt → Giá trị) rồi nhập lại")))
            values[name] = None
    get = values.get
    item["full_name"] = _text(get("full_name"))
    for name, limit in (("full_name", 120), ("card_number", 30), ("phone", 15)):
        if len(_text(get(name))) > limit:
            problems.append(Problem(line, HEADERS[name], f"dài quá {limit} ký tự"))
    gender, reason = _choice(get("gender"), GENDERS, "giới tính")
    if reason or not gender:
        problems.append(Problem(line, HEADERS["gender"], (reason or "để trống") + "; ghi Nam hoặc Nữ"))
    item["gender"] = gender
    for name in DATE_FIELDS:
        value, reason = parse_date(get(name))
        if reason:
            problems.append(Problem(line, HEADERS[name], reason))
        elif value:
            notes.append(f"{HEADERS[name]}: {value:%d/%m/%Y}")
        item[name] = value
    ethnicity = _text(get("ethnicity"))
    item["ethnicity"] = None
    if ethnicity:
        found = ETHNICITIES.get(_key(ethnicity), [])
        if len(found) == 1:
            item["ethnicity"] = found[0]
        else:
            problems.append(Problem(line, HEADERS["ethnicity"], f"không có dân tộc «{ethnicity}» trong danh mục"))
    item["religion"], reason = _choice(get("religion"), RELIGIONS, "tôn giáo")
    if reason:
        problems.append(Problem(line, HEADERS["religion"], reason + " trong danh mục"))
    status, reason = _choice(get("status"), STATUSES, "tình trạng")
    if reason:
        problems.append(Problem(line, HEADERS["status"], reason + (
            "; ghi " + ", ".join(label for _, label in STATUS_CHOICES))))
    item["status"] = status or "active"
    item["citizen_id"], reason = _digits(get("citizen_id"), HEADERS["citizen_id"], 12)
    if reason:
        problems.append(Problem(line, HEADERS["citizen_id"], reason))
    item["phone"], reason = _digits(get("phone"), HEADERS["phone"], 10)
    if reason:
        problems.append(Problem(line, HEADERS["phone"], reason))
    if item["phone"]:
        item["phone"] = item["phone"].replace(" ", "").replace(".", "")
    item["card_number"] = _text(get("card_number")) or None
    item["leave_reason"] = _text(get("leave_reason")) or None
    item["village"] = _text(get("village"))
    item["branch_code"] = _text(get("branch_code"))
    item["branch_name"] = _text(get("branch_name"))
    return item, problems


def _branches(parsed, scope):
    codes = list({p["branch_code"].upper() for p in parsed if p["branch_code"]})
    names = {_key(p["branch_name"]) for p in parsed if p["branch_name"] and not p["branch_code"]}
    by_code, by_name = {}, {}
    if codes:
        query = Organisation.select().where(fn.UPPER(Organisation.code).in_(codes))
        if scope is not None:
            query = query.where(Organisation.id.in_(scope))
        by_code = {o.code.upper(): o for o in query}
    if names:
        # Names are matched folded, so every organisation in scope is read once.
        query = Organisation.select()
        if scope is not None:
            query = query.where(Organisation.id.in_(scope))
        for organisation in query:
            if _key(organisation.name) in names:
                by_name.setdefault(_key(organisation.name), []).append(organisation)
    return by_code, by_name


def _unit_path(organisation):
    top_two = [part for part in organisation.path.split("/") if part][:2]
    return "/" + "/".join(top_two) + "/"


def _duplicates(rows, scope=None):
    """The same citizen ID twice under one provincial unit: in the file or already stored.

    A stored holder is named only when inside `scope`; every stored clash
    found is audited as a read of that member's personal data."""
    problems, seen = [], {}
    for row in rows:
        cid = row.data["citizen_id"]
        if not cid:
            continue
        key = (cid, _unit_path(row.branch))
        if key in seen:
            problems.append(Problem(row.line, HEADERS["citizen_id"], (
                f"Số CCCD trùng với dòng {seen[key]} (cùng đơn vị cấp tỉnh)")))
        else:
            seen[key] = row.line
    ids = list({cid for cid, _ in seen})
    stored = {}
    for start in range(0, len(ids), 500):
        query = (Member.select(Member.citizen_id, Member.id, Member.full_name, Organisation.path)
                 .join(Organisation).where(Member.citizen_id.in_(ids[start:start + 500])).tuples())
        for cid, pk, name, path in query:
            top_two = [part for part in path.split("/") if part][:2]
            stored.setdefault((cid, "/" + "/".join(top_two) + "/"), (pk, name))
    clashes = {stored[key][0]: line for key, line in seen.items() if key in stored}
    shown = set(clashes)
    if clashes and scope is not None:
        shown = {pk for (pk,) in Member.select(Member.id).where(
            Member.id.in_(list(clashes)), Member.branch.in_(scope)).tuples()}
    for key, line in seen.items():
        if key in stored:
            pk, name = stored[key]
            problems.append(Problem(line, HEADERS["citizen_id"], (
                f"Số CCCD đã có ở hội viên {name} của cùng đơn vị cấp tỉnh" if pk in shown
                else "Số CCCD đã có trong hệ thống")))
    _audit_identity_checks(clashes)
    return problems


def _audit_identity_checks(member_ids):
    for member in Member.select().where(Member.id.in_(list(member_ids))):
        auditing.record("read_personal", member, organisation_id=member.branch_id,
                        note="Kiểm tra trùng số CCCD khi nhập hội viên từ tệp")


# --- writing ---------------------------------------------------------------------------

def save(rows, source, user=None, dry_run=False, progress=None):
    """Insert every row in one transaction, with its search text, and audit it."""
    with db.atomic() as transaction:
        records = (dict(row.data, search_text=Member.search_document_for(row.data),
                        **Member.sort_keys_for(row.data))
                   for row in counted(rows, progress, WRITING))
        while chunk := list(itertools.islice(records, 200)):
            Member.insert_many(chunk).execute()
        summary = Summary(len(rows), source)
        auditing.record("import", table="member", user=user,
                        organisation_id=_common_ancestor([r.branch for r in rows]),
                        note=f"Tệp {source}: {number(len(rows))} hội viên")
        if dry_run:
            transaction.rollback()
        else:
            webhooks.import_finished("members", {"members": len(rows)}, source, user)
    return summary


def _common_ancestor(organisations):
    paths = [o.path.strip("/").split("/") for o in organisations if o.path]
    common = os.path.commonprefix(paths) if paths else []
    return int(common[-1]) if common and common[-1] else None


# --- the template ----------------------------------------------------------------------

TEXT_FIELDS = ("citizen_id", "phone", "card_number", "village", "branch_code", "code", "commune",
               "parent")


def template_xlsx(columns=None, title="Hội viên"):
    """An empty sheet with the Vietnamese headers; ID columns formatted as text."""
    columns = columns or COLUMNS
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append([header for _, header in columns])
    for index, (name, _) in enumerate(columns, start=1):
        letter = openpyxl.utils.get_column_letter(index)
        sheet.column_dimensions[letter].width = 22
        if name in TEXT_FIELDS:
            # Text cells keep leading zeros of ID and phone numbers.
            for row in range(2, 1002):
                sheet.cell(row=row, column=index).number_format = "@"
        if name in DATE_FIELDS or name == "active_from":
            for row in range(2, 1002):
                sheet.cell(row=row, column=index).number_format = "DD/MM/YYYY"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# (filename, data, scope=None, today=None, progress=None) → (rows, problems)
load = functools.partial(read_and_check, read, check)
