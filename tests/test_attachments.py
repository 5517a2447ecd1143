"""Attachments on disk follow their records: a replaced or refused upload leaves no file behind."""
import datetime
import io
import os

from models import Directive, ImplementationReport, Organisation
from tests.test_records import PDF, directive_form


def files_in(app, subdir):
    folder = os.path.join(app.config["UPLOAD_FOLDER"], subdir)
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


def upload(client, url, form, name):
    data = dict(form, attachment=(io.BytesIO(PDF + name.encode()), name))
    return client.post(url, data=data, content_type="multipart/form-data", follow_redirects=True)


def test_a_replaced_attachment_is_deleted_from_disk(app, login):
    client = login("admin")
    upload(client, "/admin/directive/new/", directive_form(), "ban-dau.pdf")
    directive = Directive.get()
    for round_, name in enumerate(("lan-hai.pdf", "lan-ba.pdf", "lan-bon.pdf"), start=1):
        form = directive_form(version=str(directive.version + round_ - 1))
        page = upload(client, f"/admin/directive/edit/?id={directive.id}", form, name).get_data(as_text=True)
        assert "Đã lưu" in page or "thành công" in page.lower() or Directive.get().attachment.endswith(name)
    stored = Directive.get().attachment
    assert stored.endswith("lan-bon.pdf")
    assert files_in(app, "directives") == [stored.split("/", 1)[1]]
    # Saving without a new file keeps the current one.
    client.post(f"/admin/directive/edit/?id={directive.id}",
                data=directive_form(version=str(Directive.get().version)))
    assert files_in(app, "directives") == [stored.split("/", 1)[1]]


def test_an_upload_with_a_refused_save_leaves_no_file(app, login):
    client = login("admin")
    upload(client, "/admin/directive/new/", directive_form(), "ban-dau.pdf")
    directive = Directive.get()
    kept = files_in(app, "directives")
    # A stale form (someone saved in between) is refused: its upload must go too.
    stale = directive_form(version=str(directive.version - 1 if directive.version > 1 else 99))
    upload(client, f"/admin/directive/edit/?id={directive.id}", stale, "cu.pdf")
    assert Directive.get().attachment == directive.attachment
    assert files_in(app, "directives") == kept


def test_an_editor_cannot_replace_another_units_attachment(app, login):
    directive = Directive.create(number="11-CT/TU", kind="Chỉ thị", issuer="Tỉnh ủy",
                                 issued_on=datetime.date(2022, 3, 15), title="Dân vận")
    folder = os.path.join(app.config["UPLOAD_FOLDER"], "reports")
    os.makedirs(folder)
    with open(os.path.join(folder, "20240601-abcd-phunu.pdf"), "wb") as fh:
        fh.write(PDF)
    report = ImplementationReport.create(
        directive=directive, organisation=Organisation.get(code="PHUNU"),
        reported_on=datetime.date(2024, 6, 1), content="Báo cáo", status="done",
        attachment="reports/20240601-abcd-phunu.pdf")
    client = login("nd_editor", role="editor", org="NONGDAN")
    form = {"directive": str(directive.id), "organisation": str(Organisation.get(code="NONGDAN").id),
            "reported_on": "01/06/2024", "status": "done", "content": "Sửa trái phép"}
    upload(client, f"/admin/implementationreport/edit/?id={report.id}", form, "gia-mao.pdf")
    assert ImplementationReport.get_by_id(report.id).attachment == "reports/20240601-abcd-phunu.pdf"
    assert files_in(app, "reports") == ["20240601-abcd-phunu.pdf"]
