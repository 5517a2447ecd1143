"""The meeting's Word documents: the figures of the totals page in sentences, on
a page laid out as Nghị định 30/2020 asks, from the command line and read back."""
import datetime
import json
import re
import pathlib
import shutil
import subprocess
import zipfile

import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from models import AuditLog, Meeting
from portal.demo import figures
from portal.documents import context, make_base, render
from tests.documents_helpers import (
    effective, find, meeting_of_seed_quarter, paragraphs, read, text, twinning_links,
)

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
# LibreOffice without its Writer (CI's calc-only install) cannot open a .docx.
WRITER = SOFFICE and (pathlib.Path(SOFFICE).resolve().parent.parent / "share/registry/writer.xcd").exists()

# The quarter before seed 000, so the report has something to compare with.
EARLIER = {"PHUNU": {"members_new": 1200, "field_visits": 20, "members_total": 222000,
                     "eligible_population": 286750},
           "NONGDAN": {"members_new": 300}}


@pytest.fixture
def seed(app):
    figures.load(EARLIER, quarter=(2019, 1))
    return figures.load()


def export(runner, kind, tmp_path, year=2019, quarter=2):
    path = tmp_path / f"{kind}.docx"
    result = runner.invoke(args=["export", kind, "--year", str(year), "--quarter", str(quarter), "-o", str(path)])
    return result, path


def test_the_report_states_every_seed_figure_with_the_previous_quarter(seed, runner, tmp_path):
    twinning_links("MTTQ", "PHUNU", "LDLD")
    result, path = export(runner, "meeting-report", tmp_path)
    assert result.exit_code == 0, result.output
    assert "Đã ghi báo cáo kết quả giao ban Quý II/2019" in result.output
    words = text(read(path.read_bytes()))
    # The totals page's figures (tests/test_totals.py), in sentences.
    assert "Các đơn vị đã phát triển mới 2.407 đoàn viên, hội viên (tăng 907 so với quý trước)" in words
    assert ("Trong đó: Hội Liên hiệp Phụ nữ tỉnh 1.548; Hội Nông dân tỉnh 111; Hội Cựu chiến binh tỉnh 224; "
            "Liên đoàn Lao động tỉnh 524.") in words
    assert "120 lượt đi cơ sở (tăng 100 so với quý trước)" in words
    assert "tỷ lệ tập hợp đạt 77,9% (tăng 0,5 điểm phần trăm so với quý trước)" in words
    assert "223.470" in words
    assert "Có 3/6 đơn vị trong Khối thực hiện công tác kết nghĩa với 3 thôn, làng." in words
    # No meeting: the number and date are left to fill in by hand, the tasks are the year's programme.
    assert "Số: ……/BC" in words and "Gia Lai, ngày …… tháng …… năm ……" in words
    assert "II. NHIỆM VỤ TRỌNG TÂM QUÝ III NĂM 2019" in words
    entry = AuditLog.select().where(AuditLog.action == "export", AuditLog.record_table == "meeting").get()
    assert "Báo cáo kết quả giao ban Quý II/2019 (dòng lệnh)" in entry.changes


def test_the_page_is_the_decrees_format(seed, runner, tmp_path):
    meeting_of_seed_quarter()
    _, path = export(runner, "meeting-report", tmp_path)
    document = read(path.read_bytes())
    section = document.sections[0]

    def mm(*lengths):  # Word keeps twips: 210 mm is 11906 of them
        return tuple(round(length.mm) for length in lengths)

    assert mm(section.page_width, section.page_height) == (210, 297)
    assert mm(section.top_margin, section.bottom_margin, section.left_margin, section.right_margin) == (20, 20, 30, 15)

    header = document.tables[0]
    issuer = header.cell(0, 0).paragraphs
    assert [p.text for p in issuer[:2]] == ["ỦY BAN MTTQ VIỆT NAM TỈNH GIA LAI", "BAN THƯỜNG TRỰC"]
    assert effective(issuer[1], issuer[1].runs[0], "bold") and not effective(issuer[0], issuer[0].runs[0], "bold")
    nation, motto = header.cell(0, 1).paragraphs[:2]
    assert nation.text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and effective(nation, nation.runs[0], "bold")
    assert motto.text == "Độc lập - Tự do - Hạnh phúc" and effective(motto, motto.runs[0], "underline")
    assert header.cell(1, 0).paragraphs[0].text == "Số: 25-BC/MTTQ-BTT"
    date = header.cell(1, 1).paragraphs[0]
    assert date.text == "Gia Lai, ngày 15 tháng 7 năm 2019" and effective(date, date.runs[0], "italic")

    kind = find(document, "BÁO CÁO")
    summary = find(document, "Kết quả công tác quý II năm 2019 và nhiệm vụ trọng tâm quý III năm 2019")
    for paragraph in (kind, summary):
        assert paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER or paragraph.style.paragraph_format.alignment \
            == WD_ALIGN_PARAGRAPH.CENTER
        assert effective(paragraph, paragraph.runs[0], "bold")

    closing = document.tables[1]
    recipients = closing.cell(0, 0).paragraphs
    assert recipients[0].text == "Nơi nhận:"
    assert effective(recipients[0], recipients[0].runs[0], "size") == Pt(12)
    assert effective(recipients[0], recipients[0].runs[0], "italic") and effective(
        recipients[0], recipients[0].runs[0], "bold")
    assert {effective(p, p.runs[0], "size") for p in recipients[1:] if p.runs} == {Pt(11)}
    signature = [p.text for p in closing.cell(0, 1).paragraphs if p.text]
    assert signature[:2] == ["TM. BAN THƯỜNG TRỰC", "PHÓ CHỦ TỊCH"]

    # Times New Roman everywhere, 11–14 pt, the body at 14.
    for paragraph in paragraphs(document):
        for run in paragraph.runs:
            if run.text.strip():
                assert effective(paragraph, run, "name") == "Times New Roman", run.text
                assert Pt(11) <= effective(paragraph, run, "size") <= Pt(14), run.text
    body = find(document, "Các đơn vị đã phát triển mới")
    assert effective(body, body.runs[0], "size") == Pt(14)
    fonts = zipfile.ZipFile(path).read("word/styles.xml").decode()
    assert 'w:eastAsia="Times New Roman"' in fonts and 'w:cs="Times New Roman"' in fonts


def test_a_meetings_report_lists_its_tasks_and_a_frozen_meeting_keeps_its_figures(seed, runner, tmp_path):
    meeting = meeting_of_seed_quarter()
    _, path = export(runner, "meeting-report", tmp_path)
    words = text(read(path.read_bytes()))
    assert ("1. Tổ chức tập huấn cho chi hội trưởng phụ nữ (Đơn vị thực hiện: Hội Liên hiệp Phụ nữ tỉnh; "
            "thời hạn: 30/09/2019).") in words
    assert "2. Thành lập tổ hội nghề nghiệp trồng cà phê (Đơn vị thực hiện: Hội Nông dân tỉnh; " in words

    # Frozen at the meeting: the figures as read, whatever the reports say now.
    rows = [{"organisation_id": meeting.units[0].organisation_id, "code": "PHUNU",
             "name": "Hội Liên hiệp Phụ nữ tỉnh", "values": {"members_new": 2000}}]
    snapshot = {"taken_at": "2019-07-15T09:00:00", "label": "Quý II/2019", "year": 2019, "quarter": 2,
                "parent": {"id": context.quarter_data.bloc_root().id, "code": "KHOI", "name": "Khối"},
                "indicators": [{"code": "members_new", "label": "Kết nạp mới", "unit": "người", "kind": "flow"}],
                "rows": rows, "total": {"members_new": 2500, "field_visits": 118}, "reports": {}}
    Meeting.update(snapshot=json.dumps(snapshot), frozen_at=datetime.datetime(2019, 7, 15, 9)).where(
        Meeting.id == meeting.id).execute()
    _, path = export(runner, "meeting-report", tmp_path)
    words = text(read(path.read_bytes()))
    assert "phát triển mới 2.500 đoàn viên, hội viên (tăng 1.000 so với quý trước)" in words
    assert "Trong đó: Hội Liên hiệp Phụ nữ tỉnh 2.000." in words
    assert "118 lượt đi cơ sở" in words and "2.407" not in words


def test_the_conclusion_notice_comes_from_the_meeting_record(seed, runner, tmp_path):
    result, path = export(runner, "conclusion-notice", tmp_path)
    assert result.exit_code == 1 and "Chưa có hội nghị giao ban Quý II/2019" in result.output
    assert not path.exists()
    meeting_of_seed_quarter()
    result, path = export(runner, "conclusion-notice", tmp_path)
    assert result.exit_code == 0, result.output
    document = read(path.read_bytes())
    words = text(document)
    assert "THÔNG BÁO" in words and "Số: 26-TB/MTTQ-BTT" in words
    assert ("Ngày 15/07/2019, tại Hội trường Ủy ban MTTQ tỉnh, Khối Mặt trận Tổ quốc và các tổ chức chính trị - "
            "xã hội tỉnh Gia Lai tổ chức Hội nghị giao ban quý II năm 2019. Chủ trì Hội nghị: Đồng chí Rah Lan "
            "Chung, Phó Bí thư Tỉnh ủy.") in words
    assert "- Đ/c Siu Blơng, Chủ tịch Hội Nông dân tỉnh;" in words
    assert "Các đơn vị dự Hội nghị: Hội Liên hiệp Phụ nữ tỉnh, Hội Nông dân tỉnh." in words
    assert "Các đơn vị hoàn thành tốt chỉ tiêu phát triển hội viên." in words
    assert "Tiếp tục rà soát, sáp nhập chi hội theo Nghị quyết 137/NQ-HĐND." in words
    assert "phát triển mới 2.407 đoàn viên, hội viên (tăng 907 so với quý trước); tổ chức 120 lượt đi cơ sở" in words
    assert "Thành lập tổ hội nghề nghiệp trồng cà phê (Đơn vị thực hiện: Hội Nông dân tỉnh" in words
    headings = [p.text for p in paragraphs(document) if p.style.name == "Body heading"]
    assert headings == ["1. Đánh giá kết quả quý II năm 2019", "2. Kết luận", "3. Nhiệm vụ trọng tâm quý III năm 2019"]


def test_the_command_line_says_what_is_missing(app, runner, tmp_path):
    result, path = export(runner, "meeting-report", tmp_path, 2019, 2)
    assert result.exit_code == 1 and not path.exists()
    assert "Chưa có hội nghị giao ban và chưa có số liệu báo cáo đã gửi của Quý II/2019." in result.output
    result, _ = export(runner, "meeting-report", tmp_path, 2019, 5)
    assert result.exit_code == 1 and "Quý phải là 1, 2, 3 hoặc 4." in result.output
    # A meeting without any figure yet still gives its report, figures blank.
    meeting_of_seed_quarter()
    result, path = export(runner, "meeting-report", tmp_path)
    assert result.exit_code == 0, result.output
    assert "Các đơn vị đã phát triển mới – đoàn viên, hội viên." in text(read(path.read_bytes()))


def test_dates_follow_the_decree():
    assert context.place_and_date("Gia Lai", datetime.date(2025, 7, 15)) == "Gia Lai, ngày 15 tháng 7 năm 2025"
    assert context.place_and_date("Gia Lai", datetime.date(2025, 2, 5)) == "Gia Lai, ngày 05 tháng 02 năm 2025"
    assert context.place_and_date("Gia Lai", datetime.date(2025, 12, 1)) == "Gia Lai, ngày 01 tháng 12 năm 2025"


def test_the_shipped_base_template_is_what_its_script_writes(tmp_path):
    built = make_base.build(tmp_path / "base.docx")
    shipped = zipfile.ZipFile(make_base.BASE)
    again = zipfile.ZipFile(built)
    for part in ("word/document.xml", "word/styles.xml"):
        assert shipped.read(part) == again.read(part), part


@pytest.mark.skipif(not WRITER or not shutil.which("pdftotext"),
                    reason="LibreOffice Writer and pdftotext are not installed "
                           "(apt-get install libreoffice-writer-nogui poppler-utils)")
def test_libreoffice_prints_the_report_with_every_figure(seed, runner, tmp_path):
    meeting_of_seed_quarter()
    _, path = export(runner, "meeting-report", tmp_path)
    profile = tmp_path / "lo-profile"
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(path)], check=True, timeout=180, capture_output=True)
    pdf = tmp_path / "meeting-report.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert re.search(r"Page size: +595\.\d+ x 841\.\d+ pts \(A4\)", info), info
    pages = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True,
                           text=True).stdout.split("\f")
    printed = " ".join(" ".join(pages).split())
    # The signature never stands alone: the body's last paragraph turns the page with it.
    signed = " ".join(next(page for page in pages if "TM. BAN THƯỜNG TRỰC" in page).split())
    assert "Nơi nhận:" in signed and "thời hạn: 31/08/2019)." in signed
    for words in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                  "Gia Lai, ngày 15 tháng 7 năm 2019", "2.407", "1.548", "120 lượt đi cơ sở", "77,9%",
                  "223.470", "Nơi nhận:", "TM. BAN THƯỜNG TRỰC"):
        assert words in printed, words


def test_a_document_for_a_confined_reader_holds_its_own_units_figures_only(seed):
    """As its totals page: an editor of PHUNU sees PHUNU's figure, never the bloc's."""
    meeting = meeting_of_seed_quarter()
    phunu = context.quarter_data.bloc_root().children.where(
        context.quarter_data.Organisation.code == "PHUNU").get()
    values = context.build(2019, 2, meeting, root=phunu)
    words = text(read(render.document("report", values)))
    assert "phát triển mới 1.548 đoàn viên, hội viên (tăng 348 so với quý trước)" in words
    assert "2.407" not in words and "Hội Nông dân tỉnh" not in words and "111" not in words
    assert "Có 0/1 đơn vị" in words


def test_the_previous_quarter_is_compared_as_its_meeting_read_it(seed, runner, tmp_path):
    """Figures said at a meeting are on the record: Q1's frozen 2.000 new members,
    though Q1's reports now add up to 1.500."""
    snapshot = {"taken_at": "2019-04-15T09:00:00", "label": "Quý I/2019", "year": 2019, "quarter": 1,
                "parent": {"id": context.quarter_data.bloc_root().id, "code": "KHOI", "name": "Khối"},
                "indicators": [], "rows": [], "total": {"members_new": 2000}, "reports": {}}
    Meeting.create(year=2019, quarter=1, title="Giao ban quý I/2019", held_on=datetime.date(2019, 4, 15),
                   snapshot=json.dumps(snapshot), frozen_at=datetime.datetime(2019, 4, 15, 9))
    _, path = export(runner, "meeting-report", tmp_path)
    assert "phát triển mới 2.407 đoàn viên, hội viên (tăng 407 so với quý trước)" in text(read(path.read_bytes()))


def test_the_next_notice_carries_the_tasks_still_owed(seed, runner, tmp_path):
    """Q2's tasks: PHUNU's done, NONGDAN's not started past its deadline. Q3's
    notice names NONGDAN's under the tasks of earlier quarters, not PHUNU's."""
    from models import Task, TaskAssignment

    meeting_of_seed_quarter()
    women = TaskAssignment.select().join(Task).where(Task.title.startswith("Tổ chức tập huấn")).get()
    TaskAssignment.update(status="done").where(TaskAssignment.id == women.id).execute()
    farmers = TaskAssignment.select().join(Task).where(Task.title.startswith("Thành lập tổ hội")).get()
    TaskAssignment.update(status="in_progress", note="Đã thành lập 2/5 tổ").where(
        TaskAssignment.id == farmers.id).execute()
    meeting_of_seed_quarter(year=2019, quarter=3, title="Hội nghị giao ban Khối quý III/2019",
                            held_on=datetime.date(2019, 10, 15), notice_number="31-TB/MTTQ-BTT")
    result, path = export(runner, "conclusion-notice", tmp_path, quarter=3)
    assert result.exit_code == 0, result.output
    document = read(path.read_bytes())
    words = text(document)
    assert ("- Hội Nông dân tỉnh: Thành lập tổ hội nghề nghiệp trồng cà phê (thời hạn 31/08/2019; "
            "đang thực hiện: Đã thành lập 2/5 tổ).") in words
    assert "Hội Liên hiệp Phụ nữ tỉnh: Tổ chức tập huấn" not in words
    headings = [p.text for p in paragraphs(document) if p.style.name == "Body heading"]
    assert headings[2:] == ["3. Nhiệm vụ các kỳ trước chưa hoàn thành", "4. Nhiệm vụ trọng tâm quý IV năm 2019"]
