"""Mẫu văn bản (the documents' editable texts) and the meeting's download buttons:
who reaches them, what a save, a preview and a reset do, and what each role's
download holds."""
import re

import pytest

from models import AuditLog, Setting
from portal.demo import figures
from portal.documents import texts
from tests.documents_helpers import meeting_of_seed_quarter, read, text

PAGE = "/admin/document-texts/"


@pytest.fixture
def meeting(app):
    figures.load()
    return meeting_of_seed_quarter()


def download(client, meeting, kind="report"):
    return client.get(f"/admin/meeting-documents/{meeting.id}/{kind}.docx")


def flashed(response):
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


def test_every_reader_downloads_the_documents_and_an_editor_only_its_units_figures(meeting, login, client):
    for username, role, org in (("vanphong", "secretariat", None), ("lanhdao", "viewer", None)):
        response = download(login(username, role=role, org=org), meeting)
        assert response.status_code == 200
        assert response.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        assert "bao-cao-giao-ban-2019-Q2.docx" in response.headers["Content-Disposition"]
        words = text(read(response.data))
        assert "phát triển mới 2.407 đoàn viên, hội viên" in words and "Hội Nông dân tỉnh 111" in words

    # As the totals page shows an editor of PHUNU: PHUNU's figure, not the bloc's nor another unit's.
    editor = login("kt_phunu", role="editor", org="PHUNU")
    words = text(read(download(editor, meeting).data))
    assert "phát triển mới 1.548 đoàn viên, hội viên" in words
    assert "2.407" not in words and "Hội Nông dân tỉnh" not in words
    notice = text(read(download(editor, meeting, "notice").data))
    assert "Tổ chức tập huấn cho chi hội trưởng phụ nữ" in notice
    # The farmers' task is another section's assignment.
    assert "cà phê" not in notice and "2.407" not in notice
    viewer = login("xem_nongdan", role="viewer", org="NONGDAN")
    words = text(read(download(viewer, meeting).data))
    assert "phát triển mới 111 đoàn viên, hội viên" in words and "1.548" not in words
    entries = AuditLog.select().where(AuditLog.action == "export", AuditLog.record_table == "meeting")
    assert entries.count() == 5


def test_downloads_refuse_strangers_and_unknown_meetings(meeting, login, client):
    response = download(client, meeting)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    lost = login("lac_loi", role="editor", org=None)
    assert download(lost, meeting).status_code == 403
    secretariat = login("vanphong", role="secretariat")
    assert secretariat.get(f"/admin/meeting-documents/{meeting.id + 100}/report.docx").status_code == 404
    assert secretariat.get(f"/admin/meeting-documents/{meeting.id}/minutes.docx").status_code == 404


def test_only_admins_and_the_secretariat_reach_the_texts(app, login, client):
    assert client.get(PAGE).status_code == 302
    for username, role, org in (("kt_phunu", "editor", "PHUNU"), ("lanhdao", "viewer", None)):
        user = login(username, role=role, org=org)
        assert user.get(PAGE).status_code == 403
        assert user.post(PAGE + "save", data={"key": "doc_report_body", "source": "x"}).status_code == 403
        assert user.post(PAGE + "reset", data={"key": "doc_report_body"}).status_code == 403
    assert not Setting.select().where(Setting.key.startswith("doc_")).exists()
    for username, role in (("quantri", "admin"), ("vanphong", "secretariat")):
        page = login(username, role=role).get(PAGE).get_data(as_text=True)
        for entry in texts.TEXTS:
            assert f'id="source-{entry.key}"' in page
        assert "f.&lt;mã chỉ tiêu&gt;.text" in page  # the variables are listed


def test_every_text_saved_unchanged_stores_nothing(app, login):
    for username, role in (("quantri", "admin"), ("vanphong", "secretariat")):
        client = login(username, role=role)
        for entry in texts.TEXTS:
            response = client.post(PAGE + "save", data={"key": entry.key, "source": entry.default.replace("\n", "\r\n")})
            assert response.status_code == 302, (entry.key, flashed(response))
    assert not Setting.select().where(Setting.key.startswith("doc_")).exists()
    assert not AuditLog.select().where(AuditLog.record_table == "setting").exists()


def test_an_edited_text_changes_the_document_and_a_reset_restores_it(meeting, login):
    client = login("vanphong", role="secretariat")
    edited = texts.REPORT_BODY.replace("Các đơn vị đã phát triển mới", "Toàn Khối kết nạp mới")
    response = client.post(PAGE + "save", data={"key": "doc_report_body", "source": edited})
    assert response.status_code == 302
    words = text(read(download(client, meeting).data))
    assert "Toàn Khối kết nạp mới 2.407 đoàn viên, hội viên" in words
    assert "Các đơn vị đã phát triển mới" not in words
    entry = AuditLog.select().where(AuditLog.record_table == "setting").get()
    assert entry.action == "create" and "Toàn Khối kết nạp mới" in entry.changes
    page = client.get(PAGE).get_data(as_text=True)
    assert "đã sửa" in page and "Khôi phục mặc định" in page

    response = client.post(PAGE + "reset", data={"key": "doc_report_body"}, follow_redirects=True)
    assert "Đã khôi phục mẫu mặc định «Nội dung báo cáo»" in flashed(response)
    assert Setting.get_or_none(Setting.key == "doc_report_body") is None
    assert "Các đơn vị đã phát triển mới 2.407" in text(read(download(client, meeting).data))
    assert AuditLog.select().where(AuditLog.record_table == "setting", AuditLog.action == "delete").exists()


@pytest.mark.parametrize("source, message", [
    ("Các đơn vị {% for u in units %}{{ u.name }}",
     "có lỗi ở dòng 1: mẫu kết thúc mà thẻ «{% for %}» chưa được đóng (thiếu «{% endfor %}»)"),
    ("{% for u in units %}\n{% if u.code %}{{ u.name }}\n{% endfor %}",
     "có lỗi ở dòng 3: thẻ «{% endfor %}» đặt sai chỗ: thẻ «{% if %}» bên trong còn chưa đóng"),
    ("Dòng một\n{{ f.members_new.text }\n", "có lỗi ở dòng 2: ký tự «}» không đúng chỗ"),
    ("Dòng một\nDòng hai {{ so_lieu_moi }}", "có lỗi ở dòng 2: không có biến «so_lieu_moi»"),
    ("{{ f.khong_co.text }}", "không có mục «khong_co»"),
    ("{{ province.__class__ }}", "không được truy cập «__class__»"),
    ("{{ province|khong_loc }}", "không có bộ lọc «khong_loc»"),
    ("", "không được để trống"),
])
def test_a_broken_text_is_refused_in_words_with_its_line_and_nothing_is_saved(meeting, login, source, message):
    client = login("vanphong", role="secretariat")
    response = client.post(PAGE + "save", data={"key": "doc_report_body", "source": source})
    assert response.status_code == 400
    words = flashed(response)
    assert "Mẫu «Nội dung báo cáo»" in words and message in words and "Chưa lưu." in words
    # What the user typed stays in the box to be corrected.
    assert re.search(r'id="source-doc_report_body"[^>]*>' + re.escape(source.replace("<", "&lt;")),
                     response.get_data(as_text=True).replace("&#39;", "'")) or not source
    assert Setting.get_or_none(Setting.key == "doc_report_body") is None
    assert not AuditLog.select().where(AuditLog.record_table == "setting").exists()
    assert "Các đơn vị đã phát triển mới 2.407" in text(read(download(client, meeting).data))


def test_the_preview_shows_the_unsaved_text_on_the_page_and_as_a_docx(meeting, login):
    client = login("vanphong", role="secretariat")
    edited = texts.REPORT_BODY.replace("Các đơn vị đã phát triển mới", "Xem thử: phát triển mới")
    response = client.post(PAGE + "preview", data={"key": "doc_report_body", "source": edited})
    page = flashed(response)
    assert response.status_code == 200
    assert "Xem trước: Báo cáo kết quả giao ban" in page and "Hội nghị giao ban Khối quý II/2019" in page
    assert "Xem thử: phát triển mới 2.407 đoàn viên, hội viên" in page
    assert "Gia Lai, ngày 15 tháng 7 năm 2019" in page and "Số: 25-BC/MTTQ-BTT" in page
    response = client.post(PAGE + "preview.docx", data={"key": "doc_report_body", "source": edited})
    assert response.status_code == 200 and "xem-truoc-bao-cao-giao-ban-2019-Q2.docx" in response.headers[
        "Content-Disposition"]
    assert "Xem thử: phát triển mới 2.407" in text(read(response.data))
    # Nothing was saved by looking.
    assert Setting.get_or_none(Setting.key == "doc_report_body") is None
    notice = client.post(PAGE + "preview", data={"key": "doc_notice_summary", "source": "Kết luận {{ quarter_label }}"})
    assert "Xem trước: Thông báo kết luận hội nghị giao ban" in flashed(notice)
    assert "Kết luận Quý II/2019" in flashed(notice)


def test_the_preview_uses_a_sample_before_any_figure_exists(app, login):
    client = login("quantri")
    response = client.post(PAGE + "preview", data={"key": "doc_notice_body", "source": texts.NOTICE_BODY})
    page = flashed(response)
    assert "xem trước bằng số liệu mẫu" in page and "Nhiệm vụ mẫu" in page
    # With figures but no meeting, the notice still has the sample to show.
    figures.load()
    response = client.post(PAGE + "preview", data={"key": "doc_report_body", "source": texts.REPORT_BODY})
    assert "Theo số liệu quý gần nhất đã có báo cáo" in flashed(response)
    assert "phát triển mới 2.407" in flashed(response)


def test_the_signers_name_may_be_blank_and_is_printed_when_given(meeting, login):
    client = login("vanphong", role="secretariat")
    client.post(PAGE + "save", data={"key": "doc_signer_name", "source": "Nguyễn Thị Hoa"})
    document = read(download(client, meeting, "notice").data)
    signature = [p.text for p in document.tables[1].cell(0, 1).paragraphs if p.text]
    assert signature == ["TM. BAN THƯỜNG TRỰC", "PHÓ CHỦ TỊCH", "Nguyễn Thị Hoa"]
    response = client.post(PAGE + "save", data={"key": "doc_signer_name", "source": ""})
    assert response.status_code == 302
    assert Setting.get(Setting.key == "doc_signer_name").value == ""


def test_the_settings_screen_leaves_the_texts_to_their_page(app, login):
    client = login("quantri")
    client.post(PAGE + "save", data={"key": "doc_signer_name", "source": "Nguyễn Thị Hoa"})
    row = Setting.get(Setting.key == "doc_signer_name")
    listing = client.get("/admin/setting/").get_data(as_text=True)
    assert "Nguyễn Thị Hoa" not in listing and "doc_signer_name" not in listing
    response = client.get(f"/admin/setting/edit/?id={row.id}")
    assert response.status_code == 302
    client.post(f"/admin/setting/edit/?id={row.id}", data={"value": "{% broken"})
    assert Setting.get_by_id(row.id).value == "Nguyễn Thị Hoa"


def test_the_meeting_pages_buttons_lead_to_both_documents(meeting, app, login):
    from flask import render_template

    client = login("vanphong", role="secretariat")
    with app.test_request_context():
        html = render_template("admin/meetings/_documents.html", meeting=meeting)
    links = re.findall(r'href="([^"]+)"', html)
    assert links == [f"/admin/meeting-documents/{meeting.id}/report.docx",
                     f"/admin/meeting-documents/{meeting.id}/notice.docx"]
    assert "Tải báo cáo kết quả giao ban (.docx)" in html and "Tải thông báo kết luận (.docx)" in html
    for link in links:
        assert client.get(link).status_code == 200


def test_a_text_that_fails_on_the_meetings_data_is_explained_not_a_server_error(meeting, login):
    # Saved before the quarter had these figures; now the division has nothing to divide by.
    Setting.create(key="doc_report_body", value="Bình quân {{ f.members_new.value // 0 }}")
    client = login("vanphong", role="secretariat")
    response = download(client, meeting)
    assert response.status_code == 400
    assert "Mẫu «Nội dung báo cáo» có lỗi ở dòng 1 khi tính" in flashed(response)
