"""Mẫu văn bản in Chromium: edit a text, see its preview, download it as .docx;
at desktop and phone width, with screenshots in screenshots/ (document-texts-*)."""
import docx
import pytest

from tests.test_browser import browser, log_in, page, server  # noqa: F401  (fixtures used by name)
from tests.test_browser_screens import WIDTHS, problems, shoot

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", WIDTHS)
def test_the_secretariat_previews_an_edited_text_and_downloads_it(page, server, request, width, tmp_path):  # noqa: F811
    backend = request.node.callspec.params["server"]
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, "kt_vanphong", target="/admin/document-texts/")
    body = page.locator("#source-doc_report_body")
    body.fill("Thử xem trước: phát triển mới {{ f.members_new.text }} đoàn viên, hội viên.\n" + body.input_value())
    page.click("#doc_report_body button:has-text('Xem trước')")
    page.wait_for_selector("#preview-paper")
    paper = page.locator("#preview-paper").inner_text()
    assert "Thử xem trước: phát triển mới" in paper
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in paper and "Nơi nhận:" in paper
    shoot(page, "document-texts-preview", width, backend)
    assert problems(page, "document texts preview", width) == []

    # The unsaved text is still in the box: download it as a Word file.
    with page.expect_download() as download:
        page.click("#doc_report_body button:has-text('Tải bản xem trước')")
    path = tmp_path / "preview.docx"
    download.value.save_as(path)
    words = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert "Thử xem trước: phát triển mới" in words

    # A broken text is refused with its line, the typed text kept.
    body = page.locator("#source-doc_report_body")
    body.fill("Dòng một\n{% if f.members_new.value %}chưa đóng")
    page.click("#doc_report_body button:has-text('Lưu')")
    page.wait_for_selector(".alert-danger, .alert-error")
    alert = page.locator(".alert-danger, .alert-error").first.inner_text()
    assert "ở dòng 2" in alert and "Chưa lưu." in alert
    assert "chưa đóng" in page.locator("#source-doc_report_body").input_value()
    shoot(page, "document-texts-refused", width, backend)
    assert problems(page, "document texts refused", width) == []
