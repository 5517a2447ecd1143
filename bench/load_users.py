"""The simulated users of bench/load.py: a quarter-end morning.

Editors list, search and edit their own unit's members (posting the form
back with its version field), import a few members, and fill and submit
their unit's quarterly report in the entry grid; the secretariat reads the
totals page and the dashboard, downloads the giao ban workbook and makes a
small export. Every write a user believes succeeded is written down in
`LEDGER`, which bench/load.py checks against the database afterwards.

In a two-node run each request goes to either node at random: the session,
the CSRF token and the job files must work whichever node answers.
"""
import io
import itertools
import random
import re
import threading
from html.parser import HTMLParser

from locust import HttpUser, between, task

from bench.load_setup import EDITOR_WEIGHT, PASSWORD, SECRETARIAT_WEIGHT

# Filled by bench/load.py before the run.
PLAN = {"nodes": [], "editors": [], "secretariat": [], "year": None, "quarter": None, "percentages": []}
LEDGER = {"edits": {}, "grids": {}, "imports": [], "submitted": set(), "conflicts": 0, "signed_in": 0}
_lock = threading.Lock()
_phones = itertools.count(1)


class _Form(HTMLParser):
    """The fields of the first POST form holding `marker` (a field name), as a
    browser would submit them: inputs, checked boxes, chosen options, text."""

    def __init__(self, marker):
        super().__init__()
        self.marker, self.fields, self.forms = marker, [], []
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.fields = []
        elif tag == "input" and a.get("name") and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append([a["name"], a.get("value") or ""])
        elif tag == "select" and a.get("name"):
            self._select = [a["name"], None, None]
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select[2] is None:
                self._select[2] = value
            if "selected" in a:
                self._select[1] = value
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None:
            name, chosen, first = self._select
            self.fields.append([name, chosen if chosen is not None else ""])
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append(self._textarea)
            self._textarea = None
        elif tag == "form":
            self.forms.append(self.fields)

    @classmethod
    def of(cls, html, marker):
        parser = cls(marker)
        parser.feed(html)
        for fields in parser.forms:
            if any(name == marker for name, _ in fields):
                return dict(fields)
        return None


def _csrf(html):
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    return found.group(1) if found else ""


class PortalUser(HttpUser):
    abstract = True
    wait_time = between(0.5, 2.0)
    # A host is required by locust; the requests name their node themselves.
    host = "http://127.0.0.1"

    def url(self, path):
        # In production the reverse proxy speaks HTTPS and the session cookie
        # is Secure; the load runs on plain loopback, so let it travel.
        for cookie in self.client.cookies:
            cookie.secure = False
        return random.choice(PLAN["nodes"]) + path

    def get(self, path, name, **kwargs):
        return self.client.get(self.url(path), name=name, **kwargs)

    def post(self, path, name, **kwargs):
        return self.client.post(self.url(path), name=name, **kwargs)

    def on_start(self):
        self.account = self.take_account()
        page = self.get("/login", "đăng nhập")
        done = self.post("/login", "đăng nhập", allow_redirects=False,
                         data={"username": self.account["username"], "password": PASSWORD,
                               "csrf_token": _csrf(page.text)})
        if done.status_code != 302:
            raise RuntimeError(f"{self.account['username']} could not sign in: {done.status_code}")
        with _lock:
            LEDGER["signed_in"] += 1


class Editor(PortalUser):
    weight = EDITOR_WEIGHT

    def take_account(self):
        with _lock:
            account = PLAN["editors"].pop(0)
            PLAN["editors"].append(account)
        self.members = list(account["members"])
        self.saves = 0
        return account

    @task(4)
    def list_members(self):
        self.get("/admin/member/", "danh sách hội viên")

    @task(3)
    def search_members(self):
        words = random.choice(("nguyen thi", "tran van", "hoa", "le", "dinh"))
        self.get(f"/admin/member/?search={words}", "tìm hội viên")

    @task(3)
    def edit_member(self):
        member_id = random.choice(self.members)
        form_page = self.get(f"/admin/member/edit/?id={member_id}", "mở hồ sơ hội viên")
        fields = _Form.of(form_page.text, "version")
        if fields is None:
            return
        phone = f"09{next(_phones):08d}"
        fields["phone"] = phone
        with self.client.post(self.url(f"/admin/member/edit/?id={member_id}"), data=fields,
                              name="lưu hồ sơ hội viên", allow_redirects=False, catch_response=True) as saved:
            if saved.status_code == 302:
                with _lock:
                    LEDGER["edits"].setdefault(member_id, []).append(phone)
            elif saved.status_code == 200 and "vừa được người khác sửa" in saved.text:
                with _lock:
                    LEDGER["conflicts"] += 1
            else:
                saved.failure(f"the edit was not saved ({saved.status_code})")

    @task(2)
    def fill_report(self):
        account = self.account
        if account["username"] in LEDGER["submitted"]:
            self.get(f"/admin/quarterlyreport/entry/?org={account['unit']}&year={PLAN['year']}"
                     f"&quarter={PLAN['quarter']}", "bảng nhập báo cáo")
            return
        query = f"?org={account['unit']}&year={PLAN['year']}&quarter={PLAN['quarter']}"
        page = self.get(f"/admin/quarterlyreport/entry/{query}", "bảng nhập báo cáo")
        fields = _Form.of(page.text, "version")
        if fields is None:
            return
        values = _figures(fields)
        fields.update(values)
        self.saves += 1
        # A unit saves its draft a few times, then sends it.
        fields["action"] = "submit" if self.saves >= 4 else "save"
        with self.client.post(self.url(f"/admin/quarterlyreport/entry/{query}"), data=fields,
                              name="lưu, gửi báo cáo", allow_redirects=False, catch_response=True) as saved:
            if saved.status_code == 302:
                report_id = int(re.search(r"id=(\d+)", saved.headers["Location"]).group(1))
                with _lock:
                    LEDGER["grids"][report_id] = values
                    if fields["action"] == "submit":
                        LEDGER["submitted"].add(account["username"])
            elif "vừa được người khác sửa" in saved.text:
                with _lock:
                    LEDGER["conflicts"] += 1
            else:
                # Figures that keep every rule are never refused: a 200 here is a failure too.
                saved.failure(f"the report was not saved ({saved.status_code})")

    @task(1)
    def import_members(self):
        citizen_ids = [f"{random.randint(1, 96):03d}{random.randint(0, 10**9 - 1):09d}" for _ in range(3)]
        data = _member_file(self.account["branch_code"], citizen_ids)
        page = self.get("/admin/import-members/", "nhập hội viên từ tệp")
        checked = self.post("/admin/import-members/", "nhập hội viên từ tệp",
                            data={"csrf_token": _csrf(page.text)},
                            files={"file": ("hoi_vien.xlsx", data,
                                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")})
        token = re.search(r'name="token"[^>]*value="([^"]+)"', checked.text)
        if token is None:
            return  # a random citizen ID already taken: the preview refused the file, as it should
        with self.client.post(self.url("/admin/import-members/confirm"), name="xác nhận nhập",
                              data={"csrf_token": _csrf(checked.text), "token": token.group(1)},
                              allow_redirects=False, catch_response=True) as done:
            if done.status_code == 302:
                with _lock:
                    LEDGER["imports"].extend(citizen_ids)
            else:
                done.failure(f"the import was not written ({done.status_code})")


class Secretariat(PortalUser):
    weight = SECRETARIAT_WEIGHT

    def take_account(self):
        with _lock:
            account = PLAN["secretariat"].pop(0)
            PLAN["secretariat"].append(account)
        return account

    @task(4)
    def totals(self):
        self.get("/admin/totals/", "trang tổng hợp")

    @task(2)
    def dashboard(self):
        self.get("/admin/dashboard/", "biểu đồ")

    @task(2)
    def submissions(self):
        self.get("/admin/quarterlyreport/submissions/", "tình hình nộp báo cáo")

    @task(1)
    def workbook(self):
        self.get(f"/admin/totals/workbook/?year={PLAN['year']}&quarter={PLAN['quarter']}",
                 "tải bảng tổng hợp (xlsx)")

    @task(1)
    def small_export(self):
        self.get("/admin/member/export/xlsx/?search=nguyen+thi+hoa", "xuất Excel nhỏ")


def _figures(fields):
    """Random figures for the grid's inputs that keep its rules: each
    percentage's numerator at most its denominator."""
    values = {name: random.randint(0, 400) for name in fields if re.fullmatch(r"v\d+", name)}
    for top, bottom in PLAN["percentages"]:
        if top in values and bottom in values and values[top] > values[bottom]:
            values[top], values[bottom] = values[bottom], values[top]
    return {name: str(value) for name, value in values.items()}


def _member_file(branch_code, citizen_ids):
    import xlsxwriter

    from portal.excel.member_import import COLUMNS

    headers = dict(COLUMNS)
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    columns = ("full_name", "gender", "citizen_id", "branch_code")
    for col, name in enumerate(columns):
        sheet.write_string(0, col, headers[name])
    for row, citizen_id in enumerate(citizen_ids, start=1):
        for col, value in enumerate((f"Nguyễn Thị Tải {citizen_id[-4:]}", "Nữ", citizen_id, branch_code)):
            sheet.write_string(row, col, value)
    book.close()
    return out.getvalue()
