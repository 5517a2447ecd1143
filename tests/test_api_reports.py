"""A report's figures over the API: the entry grid's rules, words and scope, with If-Match."""
import json

import pytest

from models import AuditLog, QuarterlyReport, ReportingPeriod
from tests.test_api_auth import bearer, issue
# `quarter` is the grid tests' fixture: Quý II/2024 open, Quý I/2024 closed with PHUNU's report.
from tests.test_report_entry import (  # noqa: F401
    audit_entries, grid_url, post_grid, quarter, report_of, stored, text, unit,
)

FIGURES = {"members_new": 50, "members_left": 20, "members_total": 1030, "eligible_population": 1300,
           "field_visits": 23}


def url(report, tail="figures"):
    return f"/api/v1/quarterly-reports/{report.id if hasattr(report, 'id') else report}/{tail}"


def headers(token, etag=None):
    found = bearer(token)
    if etag is not None:
        found["If-Match"] = etag
    return found


@pytest.fixture
def tokens(app, make_user):
    return {"phunu": issue(app, make_user, "api_phunu", "editor", "PHUNU"),
            "nongdan": issue(app, make_user, "api_nongdan", "editor", "NONGDAN"),
            "viewer": issue(app, make_user, "api_lanhdao", "viewer"),
            "secretariat": issue(app, make_user, "api_vanphong", "secretariat"),
            "admin": issue(app, make_user, "api_quantri", "admin"),
            "phunu_read_only": issue(app, make_user, "api_phunu", "editor", "PHUNU", read_only=True)}


def create(client, token, code="PHUNU", year=2024, quarter_=2, **body):
    body = {"organisation_id": unit(code).id, "year": year, "quarter": quarter_, **body}
    return client.post("/api/v1/quarterly-reports/figures", json=body, headers=bearer(token))


@pytest.fixture
def drafts(app, quarter, client, tokens):
    """PHUNU's and NONGDAN's drafts of Quý II/2024, made through the API."""
    made = {}
    for code in ("PHUNU", "NONGDAN"):
        response = create(client, tokens[code.lower()], code, values={"field_visits": 5})
        assert response.status_code == 201, response.json
        made[code] = report_of(code)
    return made


def test_a_new_report_is_created_like_the_grids_first_save(app, quarter, client, tokens):
    response = create(client, tokens["phunu"], values=FIGURES, note="Số liệu sơ bộ")
    assert response.status_code == 201, response.json
    report = report_of()
    assert response.headers["Location"].endswith(url(report))
    assert response.headers["ETag"] == f'"{report.version}"'
    assert stored() == FIGURES and report.status == "draft" and report.note == "Số liệu sơ bộ"
    body = response.json
    assert body["values"]["members_total"] == 1030 and body["values"]["funds_mobilised"] is None
    assert body["rates"]["coverage_rate"] == pytest.approx(1030 * 100 / 1300)
    assert "coverage_rate" not in body["values"]  # a rate is computed, never typed
    (entry,) = audit_entries("create")
    assert entry.via == "api:khóa của api_phunu"
    assert json.loads(entry.changes)["members_new"] == [None, 50]
    # The quarter has this unit's report now: a second one is refused, pointing at it.
    again = create(client, tokens["phunu"], values={"field_visits": 1})
    assert again.status_code == 409 and again.json["code"] == "report_exists"
    assert again.headers["Location"].endswith(url(report))
    assert stored() == FIGURES


def test_reading_and_writing_with_if_match(app, drafts, client, tokens):
    report = drafts["PHUNU"]
    read = client.get(url(report), headers=bearer(tokens["phunu"]))
    assert read.status_code == 200 and read.json["values"]["field_visits"] == 5
    assert read.json["editable"] is True and read.json["refusal"] is None
    etag = read.headers["ETag"]
    response = client.put(url(report), json={"values": FIGURES}, headers=headers(tokens["phunu"]))
    assert response.status_code == 428 and response.json["code"] == "precondition_required"
    response = client.put(url(report), json={"values": FIGURES, "note": "Đã soát"},
                          headers=headers(tokens["phunu"], etag))
    assert response.status_code == 200, response.json
    assert response.headers["ETag"] != etag and response.json["version"] == report.version + 1
    assert stored() == FIGURES and report_of().note == "Đã soát"
    (updated,) = audit_entries("update")
    assert updated.via == "api:khóa của api_phunu"
    # A write from the old read is stale: 412, nothing changes.
    stale = client.put(url(report), json={"values": {"field_visits": 99}}, headers=headers(tokens["phunu"], etag))
    assert stale.status_code == 412 and stale.json["code"] == "stale_version"
    assert stale.headers["ETag"] == response.headers["ETag"]
    assert stored() == FIGURES and len(audit_entries("update")) == 1
    # Like the grid, what is not sent is left blank.
    response = client.put(url(report), json={"values": {"field_visits": 24}},
                          headers=headers(tokens["phunu"], response.headers["ETag"]))
    assert response.status_code == 200 and stored() == {"field_visits": 24}
    assert report_of().note is None


def test_submit_then_approve_and_reopen_with_the_same_rights(app, drafts, client, tokens):
    report = drafts["PHUNU"]
    etag = client.get(url(report), headers=bearer(tokens["phunu"])).headers["ETag"]
    assert client.post(url(report, "submit"), headers=bearer(tokens["phunu"])).status_code == 428
    response = client.post(url(report, "submit"), headers=headers(tokens["phunu"], etag))
    assert response.status_code == 200, response.json
    assert response.json["status"] == "submitted" and report_of().submitted_at is not None
    etag = response.headers["ETag"]
    refused = client.post(url(report, "approve"), headers=headers(tokens["phunu"], etag))
    assert refused.status_code == 403 and refused.json["message"] == "Chỉ văn phòng Khối duyệt báo cáo."
    assert report_of().status == "submitted"
    response = client.post(url(report, "approve"), headers=headers(tokens["secretariat"], etag))
    assert response.status_code == 200 and report_of().status == "approved"
    etag = response.headers["ETag"]
    # Approved is locked: the grid's words.
    locked = client.put(url(report), json={"values": {"field_visits": 1}}, headers=headers(tokens["phunu"], etag))
    assert locked.status_code == 422 and locked.json["code"] == "report_approved"
    assert locked.json["message"].startswith("Báo cáo đã được duyệt và đã khoá.")
    no_reason = client.post(url(report, "reopen"), json={}, headers=headers(tokens["secretariat"], etag))
    assert no_reason.status_code == 422 and no_reason.json["message"] == "Cần ghi lý do mở lại báo cáo."
    response = client.post(url(report, "reopen"), json={"reason": "Sai số lượt đi cơ sở"},
                           headers=headers(tokens["secretariat"], etag))
    assert response.status_code == 200 and report_of().status == "draft"
    assert stored() == {"field_visits": 5}


@pytest.mark.parametrize("value, message", [
    (-5, "Số liệu không được âm."),
    (10 ** 15, "số quá lớn: tối đa 15 chữ số"),
    ("12", "Phải là số nguyên không âm (số JSON, không phải chuỗi), ví dụ 1548."),
    (2.5, "Phải là số nguyên không âm (số JSON, không phải chuỗi), ví dụ 1548."),
    (True, "Phải là số nguyên không âm (số JSON, không phải chuỗi), ví dụ 1548."),
])
def test_a_bad_figure_is_refused_with_its_reason_and_nothing_changes(app, drafts, client, tokens, value, message):
    report = drafts["PHUNU"]
    etag = client.get(url(report), headers=bearer(tokens["phunu"])).headers["ETag"]
    response = client.put(url(report), json={"values": {"members_new": 12, "field_visits": value}},
                          headers=headers(tokens["phunu"], etag))
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert response.json["code"] == "invalid_figures"
    assert response.json["errors"] == {"field_visits": [message]}
    assert stored() == {"field_visits": 5} and report_of().version == report.version


def test_coverage_above_100_percent_is_refused_in_the_grids_words(app, quarter, client, tokens, login):
    response = create(client, tokens["phunu"], values={"members_total": 3000, "eligible_population": 2867})
    assert response.status_code == 422
    (message,) = response.json["errors"]["members_total"]
    assert message == ("Tổng số đoàn viên, hội viên cuối kỳ (3.000) lớn hơn số đối tượng tập hợp (2.867): "
                       "tỷ lệ tập hợp (%) không thể vượt 100%.")
    assert report_of() is None
    page = text(post_grid(login("bt_phunu", role="editor", org="PHUNU"), grid_url(),
                          members_total="3.000", eligible_population="2.867"))
    assert message in page


def test_codes_the_grid_has_no_input_for_are_refused(app, drafts, client, tokens):
    report = drafts["PHUNU"]
    etag = client.get(url(report), headers=bearer(tokens["phunu"])).headers["ETag"]
    response = client.put(url(report), json={"values": {"khong_co": 1, "coverage_rate": 50}},
                          headers=headers(tokens["phunu"], etag))
    assert response.status_code == 422
    errors = response.json["errors"]
    assert errors["khong_co"] == ["không có chỉ tiêu mã «khong_co»"]
    assert "tỷ lệ" in errors["coverage_rate"][0] and "không nhập trực tiếp" in errors["coverage_rate"][0]
    assert stored() == {"field_visits": 5}


def test_a_break_in_the_member_count_warns_but_saves(app, quarter, client, tokens):
    response = create(client, tokens["phunu"], values={"members_new": 50, "members_left": 20,
                                                       "members_total": 1100})
    assert response.status_code == 201
    assert response.json["warnings"] == [
        "Tổng số cuối kỳ (1.100) khác số tính từ quý trước: 1.000 + 50 kết nạp mới − 20 giảm = 1.030. "
        "Hãy kiểm tra lại."]
    assert stored()["members_total"] == 1100


def test_an_editor_cannot_reach_another_sections_report(app, drafts, client, tokens):
    theirs = drafts["NONGDAN"]
    token = tokens["phunu"]
    missing = client.get(url(10 ** 6), headers=bearer(token))
    assert missing.status_code == 404
    assert client.get(url(2 ** 40), headers=bearer(token)).json == missing.json  # past the integer key
    assert client.get(url(theirs), headers=bearer(token)).json == missing.json
    etag = f'"{theirs.version}"'
    for method, tail, body in (("put", "figures", {"values": {"field_visits": 1}}), ("post", "submit", None),
                               ("post", "approve", None), ("post", "reopen", {"reason": "x"}),
                               ("post", "send-back", {"reason": "x"})):
        response = getattr(client, method)(url(theirs, tail), json=body, headers=headers(token, etag))
        assert response.status_code == 404, tail
        assert response.json == missing.json
    response = create(client, token, "NONGDAN", values={"field_visits": 1})
    assert response.status_code == 404
    response = client.post("/api/v1/quarterly-reports/figures", headers=bearer(token),
                           json={"organisation_id": 2 ** 40, "year": 2024, "quarter": 2})
    assert response.status_code == 404
    fresh = QuarterlyReport.get_by_id(theirs.id)
    assert (fresh.version, fresh.status, stored("NONGDAN")) == (theirs.version, "draft", {"field_visits": 5})
    # Their own editor reads it.
    assert client.get(url(theirs), headers=bearer(tokens["nongdan"])).status_code == 200


def test_readers_and_read_only_tokens_cannot_write(app, drafts, client, tokens):
    report = drafts["PHUNU"]
    etag = f'"{report.version}"'
    for who, status, code in (("viewer", 403, "not_figure_writer"), ("secretariat", 403, "not_figure_writer"),
                              ("phunu_read_only", 403, "token_read_only")):
        assert client.get(url(report), headers=bearer(tokens[who])).status_code == 200, who
        response = client.put(url(report), json={"values": {"field_visits": 9}}, headers=headers(tokens[who], etag))
        assert (response.status_code, response.json["code"]) == (status, code), who
        response = client.post(url(report, "submit"), headers=headers(tokens[who], etag))
        assert response.status_code == status, who
    read = client.get(url(report), headers=bearer(tokens["viewer"])).json
    assert read["editable"] is False and read["refusal"] == "Bạn chỉ có quyền xem số liệu của báo cáo này."
    assert stored() == {"field_visits": 5} and report_of().status == "draft"
    assert create(client, tokens["viewer"], "PHUNU", year=2024, quarter_=3).status_code == 403


def test_closed_and_unopened_quarters_refuse_in_the_grids_words(app, quarter, client, tokens):
    from portal.demo import figures

    figures.load({"PHUNU": {"field_visits": 3}}, quarter=(2023, 4), status="draft")  # a closed quarter
    report = report_of(year=2023, quarter=4)
    response = client.put(url(report), json={"values": {"field_visits": 4}},
                          headers=headers(tokens["phunu"], f'"{report.version}"'))
    assert response.status_code == 422 and response.json["code"] == "period_closed"
    assert response.json["message"] == "Kỳ báo cáo Quý IV/2023 đã khoá: không sửa hay gửi báo cáo được nữa."
    assert stored(year=2023, quarter=4) == {"field_visits": 3}
    response = create(client, tokens["phunu"], year=2023, quarter_=4)
    assert response.status_code == 409  # the unit has that report already
    response = create(client, tokens["nongdan"], "NONGDAN", year=2023, quarter_=4)
    assert response.status_code == 422
    assert response.json["message"] == "Kỳ báo cáo Quý IV/2023 đã khoá: không nhận báo cáo mới."
    response = create(client, tokens["phunu"], year=2024, quarter_=3)
    assert response.status_code == 422 and response.json["code"] == "period_not_open"
    assert response.json["message"] == "Quý này chưa được mở để báo cáo. Văn phòng Khối cần mở kỳ báo cáo trước."
    response = create(client, tokens["phunu"], year=1999, quarter_=3)
    assert response.status_code == 422 and response.json["errors"] == {"year": ["Năm phải từ 2000 đến 2100."]}
    # The bloc files no report of its own.
    response = create(client, tokens["admin"], "KHOI", values={"field_visits": 1})
    assert response.status_code == 422 and response.json["code"] == "bloc_files_no_report"
    later = ReportingPeriod.select(ReportingPeriod.id).where(ReportingPeriod.year == 2024, ReportingPeriod.quarter > 1)
    assert QuarterlyReport.select().where(QuarterlyReport.period.in_(later)).count() == 0
    assert AuditLog.select().where(AuditLog.record_table == "quarterly_report").count() == 0


def test_the_openapi_document_describes_report_figures(app, client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert set(paths["/api/v1/quarterly-reports/{report_id}/figures"]) >= {"get", "put"}
    put = paths["/api/v1/quarterly-reports/{report_id}/figures"]["put"]
    assert any(p["name"] == "If-Match" and p["in"] == "header" for p in put["parameters"])
    assert "post" in paths["/api/v1/quarterly-reports/figures"]


def test_a_malformed_body_is_a_422_problem_and_changes_nothing(app, drafts, client, tokens):
    report = drafts["PHUNU"]
    etag = f'"{report.version}"'
    for body in ({"values": "12"}, {"values": {}, "khong_co": 1}, {"values": {}, "submit": "có"}, [1, 2]):
        response = client.put(url(report), json=body, headers=headers(tokens["phunu"], etag))
        assert response.status_code == 422 and response.mimetype == "application/problem+json", body
    response = client.put(url(report), data="values=1", headers=headers(tokens["phunu"], etag),
                          content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415 and response.json["code"] == "unsupported_media_type"
    assert stored() == {"field_visits": 5} and report_of().version == report.version
