"""Bearer tokens: who gets in, as whom, and what a session cookie does under /api/ (nothing)."""
import datetime

from models import ApiToken, User
from models.api_token import digest


def issue(app, make_user, username, role="admin", org=None, **kwargs):
    with app.app_context():
        user = User.get_or_none(User.username == username) or make_user(username, role, org)
        return ApiToken.issue(user, f"khóa của {username}", **kwargs)[1]


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_a_token_acts_as_its_user(app, client, make_user):
    token = issue(app, make_user, "phunu", "editor", "PHUNU")
    response = client.get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 200
    assert response.json["role"] == "editor"
    assert response.json["organisation"]["code"] == "PHUNU"
    assert "Set-Cookie" not in response.headers


def test_no_wrong_expired_or_revoked_token_is_a_json_401(app, client, make_user):
    good = issue(app, make_user, "admin")
    expired = issue(app, make_user, "admin", expires_days=1)
    revoked = issue(app, make_user, "admin")
    with app.app_context():
        ApiToken.update(expires_at=datetime.datetime.now() - datetime.timedelta(seconds=1)).where(
            ApiToken.token_hash == digest(expired)).execute()
        ApiToken.get(ApiToken.token_hash == digest(revoked)).revoke()
    assert client.get("/api/v1/me", headers=bearer(good)).status_code == 200
    for headers in ({}, bearer("gb_wrong"), bearer(good + "x"), {"Authorization": good},
                    bearer(expired), bearer(revoked)):
        response = client.get("/api/v1/me", headers=headers)
        assert response.status_code == 401
        assert response.mimetype == "application/problem+json"
        assert response.json["code"] in ("token_missing", "token_invalid")
        assert "khóa api" in response.json["message"].lower()


def test_a_deactivated_user_s_token_stops(app, client, make_user):
    token = issue(app, make_user, "nongdan", "editor", "NONGDAN")
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    with app.app_context():
        User.update(is_enabled=False).where(User.username == "nongdan").execute()
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_a_session_cookie_does_not_open_the_api(login):
    client = login("admin")
    assert client.get("/admin/").status_code == 200
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json["code"] == "token_missing"


def test_unknown_api_urls_and_methods_answer_in_json(app, client, make_user):
    token = issue(app, make_user, "admin")
    response = client.get("/api/v1/khong-co", headers=bearer(token))
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    response = client.delete("/api/v1/me", headers=bearer(token))
    assert response.status_code in (401, 405)
    assert response.mimetype == "application/problem+json"


def test_last_use_is_recorded(app, client, make_user):
    token = issue(app, make_user, "admin")
    client.get("/api/v1/me", headers=bearer(token))
    with app.app_context():
        assert ApiToken.get().last_used_at is not None
