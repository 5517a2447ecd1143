"""Calling the API in tests: tokens for a role, bearer headers, JSON writes."""
from models import ApiToken, User


def token_for(app, make_user, username, role="admin", org=None, read_only=False):
    """A fresh token of `username` (made with `role`/`org` when new)."""
    with app.app_context():
        user = User.get_or_none(User.username == username) or make_user(username, role, org)
        return ApiToken.issue(user, f"khóa của {username}", read_only=read_only)[1]


def bearer(token, **headers):
    return {"Authorization": f"Bearer {token}", **headers}


class ApiClient:
    """The test client speaking as one token: api.get("/members", q="hoa")."""

    def __init__(self, client, token):
        self.client, self.token = client, token

    def get(self, path, headers=None, **params):
        return self.client.get(f"/api/v1{path}", query_string=params,
                               headers=bearer(self.token, **(headers or {})))

    def send(self, method, path, body=None, if_match=None, headers=None):
        extra = dict(headers or {})
        if if_match is not None:
            extra["If-Match"] = if_match
        return self.client.open(f"/api/v1{path}", method=method, json=body,
                                headers=bearer(self.token, **extra))

    def walk(self, path, **params):
        """Every row of a list, page by page: (rows, pages)."""
        rows, pages, cursor = [], 0, None
        while True:
            query = dict(params, **({"cursor": cursor} if cursor else {}))
            response = self.get(path, **query)
            assert response.status_code == 200, response.json
            rows += response.json["data"]
            pages += 1
            cursor = response.json["next_cursor"]
            if cursor is None:
                return rows, pages


def api_as(app, client, make_user, username, role="admin", org=None, read_only=False):
    return ApiClient(client, token_for(app, make_user, username, role, org, read_only))
