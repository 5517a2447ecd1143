"""Measurements that run in a process of their own (peak memory), and test files."""
import datetime
import io
import json
import os
import random
import resource
import tempfile
import time

import xlsxwriter
from peewee import PostgresqlDatabase

from portal import create_app, jobs  # noqa: I001  (first: it brings the admin views in)
from admin_views.exporting import EXPORT_CACHE_KB, WORKBOOK_OPTIONS
from models import Job, Organisation, User, db
from models.choices import ETHNICITY_CHOICES, GENDER_CHOICES, RELIGION_CHOICES
from models.member import STATUS_CHOICES
from portal.excel.styles import formats

EXPORT_USERS = {"export-all": "bench_vanphong", "export-unit": "bench_phunu"}
FLOOR_SQL = """
SELECT m.full_name, m.gender, m.date_of_birth, o.name, v.name, m.card_number, m.joined_on,
       m.status, m.ethnicity, m.religion, m.citizen_id, m.phone, m.party_introduced_on,
       m.party_admitted_on
FROM member m JOIN organisation o ON o.id = m.branch_id LEFT JOIN village v ON v.id = m.village_id
ORDER BY m.full_name_key, m.id
"""


def probe(name):
    folder = tempfile.mkdtemp(prefix="bench-")
    app = create_app({"TESTING": True, "JOB_WORKER_THREADS": 0, "JOBS_FOLDER": folder,
                      "JOB_QUEUE_FILE": os.path.join(folder, "jobs.sqlite3")})
    with app.app_context():
        db.connect(reuse_if_open=True)
        start = time.perf_counter()
        rows = floor_export(os.path.join(folder, "floor.xlsx")) if name == "floor-all" else \
            portal_export(app, EXPORT_USERS[name])
        seconds = time.perf_counter() - start
        db.close()
    for entry in os.listdir(folder):
        os.remove(os.path.join(folder, entry))
    os.rmdir(folder)
    return {"seconds": seconds, "rows": rows, "peak_mb": peak_rss_mb()}


def peak_rss_mb():
    """This process's peak resident memory since it started.

    Not getrusage's ru_maxrss: Linux carries that across exec, so a probe
    started from the large benchmark process would report its parent's peak.
    """
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def portal_export(app, username):
    """The export a user gets from "Xuất Excel" on the whole member list: the background job."""
    user = User.get(User.username == username)
    job = Job.create(user=user, kind="export", title="Đo hiệu năng", params=json.dumps(
        {"endpoint": "member", "path": "/admin/member/export/xlsx/", "query": ""}))
    jobs.run(app, job.id)
    db.connect(reuse_if_open=True)
    job = Job.get_by_id(job.id)
    assert job.status == "done", job.message
    Job.delete().where(Job.id == job.id).execute()
    return job.done


def floor_export(path):
    """Bare xlsxwriter (constant memory) writing the same cells from one plain cursor.

    The page cache is as small as the portal's export job uses, so that the
    two peaks compare.
    """
    labels = {}
    for choices in (GENDER_CHOICES, STATUS_CHOICES, ETHNICITY_CHOICES, RELIGION_CHOICES):
        labels.update(choices)
    dates = (2, 6, 12, 13)
    coded = (1, 7, 8, 9)
    database = db.obj
    if isinstance(database, PostgresqlDatabase):
        cursor = database.connection().cursor(name="floor")
        cursor.itersize = 2000
        database.connection().autocommit = False
    else:
        database.execute_sql(f"PRAGMA cache_size = -{EXPORT_CACHE_KB}")
        cursor = database.cursor()
    cursor.execute(FLOOR_SQL)
    workbook = xlsxwriter.Workbook(path, WORKBOOK_OPTIONS)
    styles = formats(workbook)  # the same cell formats as the portal's export
    text, date_format = styles["text"], styles["date"]
    sheet = workbook.add_worksheet("Hội viên")
    for col in range(14):
        sheet.write_string(0, col, f"Cột {col + 1}", styles["header"])
    row_number = 0
    for row in cursor:
        row_number += 1
        for col, value in enumerate(row):
            if value is None:
                continue
            if col in dates:
                if isinstance(value, str):
                    value = datetime.date.fromisoformat(value)
                sheet.write_datetime(row_number, col, value, date_format)
            elif col in coded:
                sheet.write_string(row_number, col, labels.get(value, value), text)
            else:
                sheet.write_string(row_number, col, value, text)
    workbook.close()
    return row_number


# --- the import file --------------------------------------------------------------------

def member_file(count, seed=7):
    """An xlsx of `count` new, valid members of PHUNU's branches, as a unit would send it."""
    from portal.excel.member_import import COLUMNS

    rng = random.Random(seed)
    phunu = Organisation.get(Organisation.code == "PHUNU")
    branches = [o.code for o in Organisation.select(Organisation.code)
                .where(Organisation.path.startswith(phunu.path), Organisation.level == "chi_hoi")
                .order_by(Organisation.id).limit(200)] or ["PHUNU"]
    family = ["Nguyễn", "Trần", "Lê", "Phạm", "Đặng", "Ksor", "Rah Lan", "Siu"]
    middle = ["Thị", "Thị Thu", "Thị Ngọc", "H'"]
    given = ["Hoa", "Lan", "Mai", "Hương", "Blơng", "Nhung", "Đào", "Yến"]
    workbook = xlsxwriter.Workbook(buffer := io.BytesIO(), {"in_memory": True})
    sheet = workbook.add_worksheet("Hội viên")
    for col, (_name, header) in enumerate(COLUMNS):
        sheet.write_string(0, col, header)
    names = [name for name, _ in COLUMNS]
    for line in range(1, count + 1):
        born = datetime.date(1960, 1, 1) + datetime.timedelta(days=rng.randrange(16000))
        values = {
            "full_name": f"{rng.choice(family)} {rng.choice(middle)} {rng.choice(given)}".replace("' ", "'"),
            "gender": "Nữ", "date_of_birth": born.strftime("%d/%m/%Y"), "ethnicity": "Kinh",
            "citizen_id": f"9{rng.randrange(10**11):011d}", "branch_code": rng.choice(branches),
            "joined_on": (born + datetime.timedelta(days=7000)).strftime("%d/%m/%Y"),
            "status": "Đang sinh hoạt",
        }
        for col, name in enumerate(names):
            if values.get(name):
                sheet.write_string(line, col, values[name])
    workbook.close()
    return buffer.getvalue()
