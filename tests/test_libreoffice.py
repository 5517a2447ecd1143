"""The giao ban workbook as LibreOffice computes it, formulas recalculated.

LibreOffice normally shows an xlsx file's cached values; a profile of our own
tells it to recalculate every formula on load, so these figures are its own
arithmetic, not ours read back. CI installs libreoffice-calc-nogui (.ci/run);
without it these tests are skipped.
"""
import csv
import datetime
import re
import shutil
import subprocess

import pytest
import xlsxwriter

from models import Directive, DirectiveAssignment, Organisation
from portal.demo import figures
from portal.excel.giao_ban import write_giao_ban
from portal.reporting import formatting
from portal.reporting.totals import Selection, build

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed "
                                "(apt-get install libreoffice-calc-nogui)")

RECALCULATE_ON_LOAD = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
           xmlns:xs="http://www.w3.org/2001/XMLSchema"
           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
  <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop>
</item>
</oor:items>
"""


def calculated(path, sheet_number, tmp_path):
    """The rows of one sheet as LibreOffice calculates them (raw values, not as shown)."""
    profile = tmp_path / "lo-profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALCULATE_ON_LOAD)
    out = tmp_path / "csv"
    # Comma, double quote, UTF-8, from line 1, …, the 12th token picks the sheet.
    csv_filter = f"csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,{sheet_number}"
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", csv_filter, "--outdir", str(out), str(path)],
                   check=True, timeout=180, capture_output=True)
    [produced] = list(out.glob("*.csv"))
    with open(produced, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def test_libreoffice_recalculates_rather_than_trusting_cached_values(tmp_path):
    path = tmp_path / "lie.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    workbook.add_worksheet().write_formula(0, 0, "=1+1", None, 5)  # a wrong cached value
    workbook.close()
    assert calculated(path, 1, tmp_path)[0][0] == "2"


def test_libreoffice_computes_the_totals_of_the_totals_page(app, login, tmp_path):
    figures.load()
    response = login("vanphong", role="secretariat").get("/admin/totals/workbook/?year=2019&quarter=2")
    path = tmp_path / "giao-ban.xlsx"
    path.write_bytes(response.data)
    rows = calculated(path, 2, tmp_path)  # the sheet "Tổng hợp"
    headers = rows[2]

    def figure(label, header_start):
        column = next(i for i, h in enumerate(headers) if h.startswith(header_start))
        return next(row[column] for row in rows[3:] if row and row[0] == label)

    # The same figures as the totals page (tests/test_totals.py).
    assert float(figure("Tổng cộng", "Kết nạp mới")) == 2407
    assert float(figure("Tổng cộng", "Lượt đi cơ sở")) == 120
    coverage = figure("Hội Liên hiệp Phụ nữ tỉnh", "Tỷ lệ tập hợp")
    # The cell's Vietnamese format gives the raw value a decimal comma: "77,93…%".
    assert coverage.endswith("%") and round(float(coverage[:-1].replace(",", ".")), 1) == 77.9


def test_libreoffice_takes_a_total_rate_over_the_units_reporting_both_parts(app, tmp_path):
    # Issue 10, case 2: DOAN has members but no eligible population, CCB 0/0, LDLD 300/400.
    figures.load({"DOAN": {"members_total": 1000}, "CCB": {"members_total": 0, "eligible_population": 0},
                  "LDLD": {"members_total": 300, "eligible_population": 400}}, quarter=(2021, 1))
    totals = build(Selection(Organisation.get(Organisation.code == "KHOI"), "quarter", [(2021, 1)]))
    totals.total.values["coverage_rate"] = 75.0  # the rule of the arithmetic (portal/reporting)
    path = tmp_path / "giao-ban.xlsx"
    with open(path, "wb") as stream:
        write_giao_ban(stream, totals, "Gia Lai", "Văn phòng Khối")
    rows = calculated(path, 2, tmp_path)
    column = next(i for i, h in enumerate(rows[2]) if h.startswith("Tỷ lệ tập hợp"))
    total = next(row[column] for row in rows[3:] if row and row[0] == "Tổng cộng")
    assert float(total.rstrip("%").replace(",", ".")) == 75


# --- the workbook as printed: LibreOffice's PDF, read with poppler-utils ------

POPPLER = shutil.which("pdftotext") and shutil.which("pdfinfo")
BLOC = "Khối Mặt trận Tổ quốc và các tổ chức chính trị - xã hội tỉnh Gia Lai"
# Seed 000's quarter a quarter earlier, so that the comparison has something to compare.
EARLIER = {"PHUNU": {"members_new": 1200, "members_total": 220000, "eligible_population": 286000,
                     "field_visits": 30},
           "LDLD": {"members_new": 600, "field_visits": 22}}


def as_pdf(paths, tmp_path):
    """Each xlsx in `paths` printed to PDF by LibreOffice, in one start."""
    profile = tmp_path / "lo-profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALCULATE_ON_LOAD)
    out = tmp_path / "pdf"
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(out)] + [str(p) for p in paths], check=True, timeout=300, capture_output=True)
    return [out / (p.stem + ".pdf") for p in paths]


def pdf_pages(pdf):
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    count = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    return [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(pdf), "-"],
                           check=True, capture_output=True, text=True).stdout for n in range(1, count + 1)]


def word_heights(pdf):
    """The height (pt) of every word's box, from pdftotext's bounding boxes."""
    xhtml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return [(float(y1) - float(y0), word) for y0, y1, word in
            re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', xhtml)]


def nine_point_sample(path):
    """A cell in 9 pt Times New Roman: its printed box height is the smallest allowed."""
    workbook = xlsxwriter.Workbook(str(path))
    workbook.add_worksheet().write_string(0, 0, "Chữ cỡ chín",
                                          workbook.add_format({"font_name": "Times New Roman", "font_size": 9}))
    workbook.close()
    return path


@pytest.mark.skipif(not POPPLER, reason="poppler-utils is not installed (apt-get install poppler-utils)")
def test_the_printed_workbook_is_readable_and_numbered(app, login, tmp_path):
    figures.load()
    figures.load(EARLIER, quarter=(2019, 1))
    khoi = Organisation.get(Organisation.code == "KHOI")
    directive = Directive.create(number="784-QĐ/TU", kind="Quy định", issuer="Tỉnh ủy",
                                 issued_on=datetime.date(2019, 1, 3),
                                 title="Về việc cấp ủy, lãnh đạo Ban Dân vận, Mặt trận Tổ quốc, đoàn thể các cấp "
                                       "tham dự sinh hoạt định kỳ và ngày sinh hoạt định kỳ ở các loại hình chi bộ, "
                                       "chi, tổ hội, phân hội")
    DirectiveAssignment.create(directive=directive, organisation=Organisation.get(Organisation.code == "PHUNU"),
                               deadline=datetime.date(2019, 6, 30))
    response = login("vanphong", role="secretariat").get("/admin/totals/workbook/?year=2019&quarter=2")
    book = tmp_path / "giao-ban.xlsx"
    book.write_bytes(response.data)
    pdf, sample = as_pdf([book, nine_point_sample(tmp_path / "chin.xlsx")], tmp_path)
    pages = pdf_pages(pdf)

    # Cover, "Tổng hợp" in three groups of indicators, "So sánh", six units, three panels:
    # each on its own page at full size, nothing spilling onto an extra page.
    assert len(pages) == 14
    for number, text in enumerate(pages, 1):
        assert f"Trang {number}/14" in text, number
        assert BLOC in text and "Giao ban Quý II/2019" in text, number
        assert "Ngày lập:" in text, number
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in pages[0] and "Độc lập - Tự do - Hạnh phúc" in pages[0]
    assert [n for n, text in enumerate(pages, 1) if "trang chỉ tiêu" in text] == [2, 3, 4]

    smallest = min(height for height, _ in word_heights(sample))
    small = sorted((round(height, 2), word) for height, word in word_heights(pdf) if height < smallest - 0.01)
    assert small == [], f"text under 9 pt: {small[:10]}"

    # Every total of the totals page, as the page writes it: 19.854-style numbers, 77,9%.
    totals = build(Selection(khoi, "quarter", [(2019, 2)]))
    summary = "".join(pages[1:4])
    for ind in totals.indicators:
        value = totals.total.values.get(ind.code)
        if value is not None:
            shown = formatting.percent(value) if ind.kind == "ratio" else formatting.number(value)
            assert shown in summary, (ind.code, shown)
    assert "2.407" in summary and "77,9%" in summary
    before = totals.previous_total.values["coverage_rate"]
    assert formatting.signed(totals.total.values["coverage_rate"] - before, as_percent=True) in pages[4]
    assert "Kinh phí vận động (đồng) (đồng)" not in "".join(pages)
