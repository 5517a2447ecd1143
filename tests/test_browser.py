"""Headless Chromium through the real pages, served by gunicorn."""
import os

import pytest

from tests import databases
from tests.conftest import BACKENDS
from tests.live import CHROMIUM, CHROMIUM_ARGS, GunicornServer

pytestmark = pytest.mark.browser

PASSWORD = "trinh-duyet-thu-nghiem"
# The server's province: `seed-demo --members 200` and these accounts, made once a
# session and copied for each module's server (tests/databases.py).
MEMBERS = 200
USERS = (("kt_vanphong", PASSWORD, "secretariat", None),
         ("kt_phunu", PASSWORD, "editor", "PHUNU"))


@pytest.fixture(scope="module", params=BACKENDS)
def server(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("live")
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_demos").get(MEMBERS, USERS)
        url = databases.sqlite_copy(template, folder / "portal.db")
    else:
        seeded = request.getfixturevalue("postgres_demos").template_for(MEMBERS, USERS)
        url = request.getfixturevalue("postgres_server").create("live", template=seeded)
    live = GunicornServer(url, str(folder)).start(migrate=False)
    yield live
    live.stop()


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail("Browser tests need Debian's chromium at /usr/bin/chromium (make browser).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(base_url=server.url, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def log_in(page, username="kt_phunu", target="/admin/member/"):
    page.goto(target)
    assert "/login" in page.url
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"**{target}")


def pick(page, field, typed, choice):
    """Choose in a select2 ajax picker, as a user does: open, type, click."""
    page.click(f"#s2id_{field} a")
    page.keyboard.type(typed)
    page.click(f".select2-result-label:has-text('{choice}')")


def create_member(page, name, citizen_id):
    page.goto("/admin/member/new/")
    page.fill("#full_name", name)
    page.select_option("#gender", "nu")
    page.fill("#date_of_birth", "12/03/1990")
    page.keyboard.press("Escape")
    page.fill("#citizen_id", citizen_id)
    pick(page, "branch", "lien hiep phu nu tinh", "Hội Liên hiệp Phụ nữ tỉnh")
    page.fill("#joined_on", "01/05/2010")
    page.keyboard.press("Escape")
    page.click("input[type=submit][value='Lưu']")
    page.wait_for_selector(".alert-success")


def test_wrong_password_shows_a_vietnamese_message(page):
    page.goto("/login")
    page.fill("#username", "kt_vanphong")
    page.fill("#password", "khong-dung")
    page.click("button[type=submit]")
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in page.inner_text(".alert")


def test_create_find_without_accents_and_edit_a_member(page):
    log_in(page)
    create_member(page, "Đặng Thị Mai Hương", "064190001234")
    assert "Đã thêm bản ghi" in page.inner_text(".alert-success")

    page.goto("/admin/member/")
    page.fill("input[name=search]", "dang thi mai")
    page.keyboard.press("Enter")
    page.wait_for_url("**search=dang*")
    row = page.locator("table.model-list tbody tr", has_text="Đặng Thị Mai Hương")
    assert row.count() == 1

    row.locator("a[title='Sửa bản ghi']").click()
    page.fill("#phone", "0905123456")
    page.click("input[type=submit][value='Lưu']")
    page.wait_for_selector(".alert-success")
    assert "Đã lưu bản ghi" in page.inner_text(".alert-success")


def test_a_stale_form_is_refused_with_a_message(page, browser, server):
    log_in(page)
    create_member(page, "Ksor H'Mai", "064190005678")
    page.goto("/admin/member/?search=ksor")
    edit_url = page.locator("a[title='Sửa bản ghi']").first.get_attribute("href")

    other = page.context.new_page()
    other.goto(edit_url)
    page.goto(edit_url)

    other.fill("#phone", "0911111111")
    other.click("input[type=submit][value='Lưu']")
    other.wait_for_selector(".alert-success")

    page.fill("#phone", "0922222222")
    page.click("input[type=submit][value='Lưu']")
    page.wait_for_selector(".alert-danger")
    assert "vừa được người khác sửa" in page.inner_text(".alert-danger")

    page.goto("/admin/member/?search=ksor")
    details = page.locator("a[title='Xem bản ghi']").first.get_attribute("href")
    page.goto(details)
    assert "0911111111" in page.content()
    assert "0922222222" not in page.content()


def test_directive_with_a_new_assignment_added_inline(page):
    log_in(page, "kt_vanphong", target="/admin/directive/")
    page.goto("/admin/directive/new/")
    page.fill("#number", "99-CT/TU")
    page.select_option("#kind", "Chỉ thị")
    page.fill("#issuer", "Tỉnh ủy")
    page.fill("#issued_on", "05/12/2023")
    page.keyboard.press("Escape")
    page.fill("#title", "Về công tác kết nghĩa với thôn, làng đồng bào dân tộc thiểu số")
    page.click("text=Thêm Đơn vị được giao và hạn báo cáo")
    pick(page, "assignments-0-organisation", "hoi nong dan tinh", "Hội Nông dân tỉnh")
    page.fill("#assignments-0-deadline", "31/12/2024")
    page.keyboard.press("Escape")
    # A click outside closes the date picker, which can cover the buttons.
    page.click("#title")
    page.click("input[type=submit][value='Lưu']")
    page.wait_for_selector(".alert-success")

    page.goto("/admin/directive/?search=99-ct")
    page.locator("a[title='Sửa bản ghi']").first.click()
    assert page.input_value("#assignments-0-deadline") == "31/12/2024"
    assert "Hội Nông dân tỉnh" in page.inner_text("#s2id_assignments-0-organisation")


def member_outside(server, code="PHUNU"):
    """The id of a member of another section, read straight from the database."""
    from playhouse.db_url import connect

    database = connect(server.env["DATABASE_URL"])
    with database.connection_context():
        mark = database.param
        return database.execute_sql(
            "SELECT m.id FROM member m JOIN organisation o ON o.id = m.branch_id "
            f"WHERE o.path NOT LIKE (SELECT path FROM organisation WHERE code = {mark}) || {mark} "
            "ORDER BY m.id LIMIT 1", (code, "%")).fetchone()[0]


def test_an_editor_sees_only_its_section_and_forged_ids_fail(page, server):
    log_in(page)
    page.goto("/admin/member/?page_size=100")
    branches = page.locator("table.model-list tbody td.col-branch").all_inner_texts()
    assert branches and all("(PHUNU" in text for text in branches)

    stranger = member_outside(server)
    for url in (f"/admin/member/edit/?id={stranger}", f"/admin/member/details/?id={stranger}"):
        page.goto(url)
        assert page.url.endswith("/admin/member/")
        assert "Bản ghi không tồn tại" in page.inner_text(".alert")

    page.goto("/admin/organisation/?page_size=100")
    codes = page.locator("table.model-list tbody td.col-code").all_inner_texts()
    assert codes and all(code.startswith("PHUNU") for code in codes)


def test_dashboard_draws_its_charts_without_the_internet(page):
    log_in(page, "kt_vanphong", target="/admin/dashboard/")
    page.wait_for_selector("body[data-charts-ready='1']")
    for chart in ("chart-members", "chart-coverage", "chart-new"):
        drawn = page.evaluate(
            f"Chart.getChart(document.getElementById('{chart}')).data.datasets[0].data.length")
        assert drawn > 0, chart


def test_totals_page_drills_into_a_unit(page):
    log_in(page, "kt_vanphong", target="/admin/totals/?year=2019&quarter=2")
    total = page.locator("tfoot td[data-code='members_new'] .figure").inner_text()
    assert total == "2.407"
    page.click("td.unit a:has-text('Hội Liên hiệp Phụ nữ tỉnh')")
    page.wait_for_url("**parent=PHUNU**")
    assert page.locator("tbody tr").count() >= 1


def test_a_large_export_runs_in_the_background_with_a_progress_bar(page, server):
    import openpyxl
    from playhouse.db_url import connect

    log_in(page, "kt_vanphong")
    page.click("#export-form button:has-text('Xuất Excel')")
    page.wait_for_url("**/admin/jobs/*/")
    assert page.locator(".progress-bar").count() == 1
    # A worker thread of the gunicorn process runs it; the page polls until the link shows.
    page.wait_for_selector("#job-download:not([hidden]) a", timeout=30_000)
    assert page.locator(".job-status").inner_text().strip() == "Hoàn thành"
    with page.expect_download() as info:
        page.click("#job-download a")
    assert info.value.suggested_filename.endswith(".xlsx")
    with open(info.value.path(), "rb") as fh:
        sheet = openpyxl.load_workbook(fh).active
        rows = sum(1 for _ in sheet.iter_rows(min_row=2, values_only=True))
    database = connect(server.env["DATABASE_URL"])
    with database.connection_context():
        members = database.execute_sql("SELECT COUNT(*) FROM member").fetchone()[0]
    database.close()
    assert rows == members > 50


def test_a_large_import_is_checked_and_written_in_the_background(page, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["Họ và tên", "Giới tính", "Ngày sinh", "Mã chi hội"])
    for number in range(1, 31):
        book.active.append([f"Hội viên nhập nền {number:02d}", "Nữ", "12/03/1990", "PHUNU"])
    book.save(tmp_path / "hoi_vien_lon.xlsx")

    log_in(page)
    page.goto("/admin/import-members/")
    page.set_input_files("#file", str(tmp_path / "hoi_vien_lon.xlsx"))
    page.click("button:has-text('Tải lên và kiểm tra')")
    page.wait_for_url("**/admin/jobs/*/")
    assert "Kiểm tra tệp hoi_vien_lon.xlsx (30 dòng)" in page.inner_text("h2")
    assert page.locator(".progress-bar").count() == 1
    # The page polls until the check is done, then leads to the preview.
    page.wait_for_selector("#job-result:not([hidden]) a", timeout=30_000)
    assert "30 / 30 dòng" in page.inner_text(".job-count")
    page.click("#job-result a:has-text('Xem trước và xác nhận nhập')")
    assert "30 hội viên sẽ được nhập" in page.inner_text("#import-preview-summary")
    assert page.locator("#import-preview tbody tr").count() == 30

    page.click("button:has-text('Xác nhận nhập 30 hội viên')")
    page.wait_for_url("**/admin/jobs/*/")
    page.wait_for_selector(".job-state[data-status='done']", timeout=30_000)
    assert "Đã nhập 30 hội viên từ tệp hoi_vien_lon.xlsx" in page.inner_text(".job-message")
    page.goto("/admin/member/?search=nhap+nen&page_size=100")
    assert page.locator("table.model-list tbody tr", has_text="Hội viên nhập nền").count() == 30
