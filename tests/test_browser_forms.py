"""Saving a form in a real browser leaves the organisation tree as it was."""
import pytest
from playhouse.db_url import connect

from tests.test_browser import PASSWORD, browser, log_in, page, server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


def tree(server):
    database = connect(server.env["DATABASE_URL"])
    with database.connection_context():
        return dict((pk, (parent, path)) for pk, parent, path in database.execute_sql(
            "SELECT id, parent_id, path FROM organisation ORDER BY id").fetchall())


def unit_id(server, code):
    database = connect(server.env["DATABASE_URL"])
    with database.connection_context():
        return database.execute_sql(
            f"SELECT id FROM organisation WHERE code = {database.param}", (code,)).fetchone()[0]


@pytest.fixture(scope="module")
def commune_editor(server):
    server.create_user("kt_phunu_xa", PASSWORD, role="editor", org="PHUNU-IAGRAI")
    return "kt_phunu_xa"


@pytest.mark.parametrize("code, parent", [("PHUNU-IAGRAI", "PHUNU"), ("PHUNU", "KHOI")])
def test_an_editor_saves_its_own_unit_unchanged_and_the_tree_is_intact(page, server, commune_editor,
                                                                      code, parent):
    username = commune_editor if code == "PHUNU-IAGRAI" else "kt_phunu"
    before = tree(server)
    url = f"/admin/organisation/edit/?id={unit_id(server, code)}"
    log_in(page, username, target=url)
    # The parent lies outside the editor's section: the picker still shows it.
    assert f"({parent})" in page.inner_text("#s2id_parent")
    assert page.input_value("#effective_on") == ""
    page.click("input[type=submit][value='Lưu']")
    page.wait_for_selector(".alert-success")
    assert tree(server) == before
    # The unit and everything below it are still in the editor's section.
    page.goto("/admin/organisation/?page_size=100")
    codes = page.locator("table.model-list tbody td.col-code").all_inner_texts()
    assert code in codes and any(c.startswith(code + "-") for c in codes)
