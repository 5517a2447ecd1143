"""The giao ban workbook as LibreOffice computes it, formulas recalculated.

LibreOffice normally shows an xlsx file's cached values; a profile of our own
tells it to recalculate every formula on load, so these figures are its own
arithmetic, not ours read back. CI installs libreoffice-calc-nogui (.ci/run);
without it these tests are skipped.
"""
import csv
import shutil
import subprocess

import pytest
import xlsxwriter

from portal.demo import figures

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
    assert coverage.endswith("%") and round(float(coverage[:-1]), 1) == 77.9
