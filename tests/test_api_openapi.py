"""The OpenAPI document: valid 3.1, complete, and true of every answer the API gives.

schemathesis generates requests from the document itself (in-process, through
the WSGI app) and sends each with a token of every role: no answer may be a
5xx, and every status, content type, header and body must be one the
document declares. Seeded (derandomize) and small, so a run is repeatable
and the module stays within its time budget on both databases.
"""
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance, response_headers_conformance, response_schema_conformance,
    status_code_conformance,
)

from portal.api.resources import api_name
from tests.api_helpers import token_for
from tests.test_browser import browser, page, server  # noqa: F401  (fixtures)

ROLES = {
    "st_admin": ("admin", None),
    "st_vanphong": ("secretariat", None),
    "st_phunu": ("editor", "PHUNU"),
    "st_xem_phunu": ("viewer", "PHUNU"),
}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
# Examples per operation; every example is sent once per role.
EXAMPLES = 20


@pytest.fixture
def document(client):
    return client.get("/api/v1/openapi.json").json


def test_the_document_is_valid_openapi_3_1_and_public(client, document):
    assert document["openapi"] == "3.1.0"
    validate(document)
    assert "Set-Cookie" not in client.get("/api/v1/openapi.json").headers


def test_every_registered_view_has_its_paths_unless_it_opts_out(app, document):
    views = [v for v in app.extensions["admin"][0]._views if hasattr(v, "access")]
    # Accounts and settings need their own rules; webhooks hold signing secrets.
    assert {v.model.__name__ for v in views if not v.api} == {"User", "Setting", "Webhook", "WebhookDelivery"}
    for view in views:
        if not view.api:
            assert not any(p.startswith(f"/api/v1/{api_name(view)}") for p in document["paths"])
            continue
        name = api_name(view)
        listed, one = document["paths"][f"/api/v1/{name}"], document["paths"][f"/api/v1/{name}/{{id}}"]
        assert "get" in listed and "get" in one, name
        writes = type(view).can_edit is not False
        assert ("patch" in one) is writes and ("put" in one) is writes, name
    assert "/api/v1/members" in document["paths"] and "/api/v1/audit-log/{id}" in document["paths"]
    assert "post" not in document["paths"]["/api/v1/audit-log"]


def test_declarations_become_descriptions_enums_and_limits(document):
    schemas = document["components"]["schemas"]
    member = schemas["MembersRecord"]["properties"]
    assert member["full_name"]["description"] == "Họ và tên"
    assert member["full_name"]["maxLength"] == 120
    assert member["status"]["enum"] == ["active", "left", "moved", "deceased"]
    assert "null" in member["date_of_birth"]["type"]
    required = schemas["MembersInput"]["required"]
    assert {"full_name", "gender", "branch"} <= set(required)
    assert "status" not in required  # it has a default: active
    assert "required" not in schemas["MembersPatch"]
    problem = schemas["Problem"]["properties"]
    assert {"type", "title", "status", "code", "message", "detail", "errors"} <= set(problem)
    assert "Error" not in schemas
    parameters = {p["name"]: p for p in document["paths"]["/api/v1/members"]["get"]["parameters"]}
    assert {"limit", "cursor", "q", "sort", "count", "status", "branch__in_subtree"} <= set(parameters)
    patch = document["paths"]["/api/v1/members/{id}"]["patch"]
    assert any(p["name"] == "If-Match" and p["required"] for p in patch["parameters"])
    assert "ETag" in patch["responses"]["200"]["headers"]
    assert "application/problem+json" in patch["responses"]["412"]["content"]
    assert document["components"]["securitySchemes"]["khoa_api"]["scheme"] == "bearer"


@pytest.fixture
def tokens(app, demo_seeded, make_user):
    return {name: token_for(app, make_user, name, role, org) for name, (role, org) in ROLES.items()}


@pytest.mark.demo(members=40)
def test_every_operation_answers_as_documented_for_every_role(app, tokens):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 40
    for operation in operations:
        _exercise(operation, tokens)


def _exercise(operation, tokens):
    modes = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]

    @given(case=st.one_of(*[operation.as_strategy(mode) for mode in modes]))
    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    def run(case):
        for token in tokens.values():
            case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)

    run()


def test_the_docs_page_is_public_and_loads_only_our_own_files(client):
    response = client.get("/api/docs")
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    html = response.get_data(as_text=True)
    assert "http" not in html.replace('lang="vi"', "")  # no file from another site
    nonce = response.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in html
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "LICENSE"):
        with client.get(f"/static/vendor/swagger-ui-5.35.0/{name}") as asset:
            assert asset.status_code == 200, name


@pytest.mark.browser
def test_the_docs_page_renders_every_resource_under_the_policy(page):  # noqa: F811
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.goto("/api/docs")
    page.wait_for_selector("text=Danh sách: Hội viên, đoàn viên", timeout=15000)
    assert page.locator(".opblock-tag").count() >= 14
    assert violations == []


def test_a_column_the_details_screen_hides_is_never_in_the_api(app, monkeypatch):
    """A later record type with a secret (a webhook's signing key) hides it on its
    details screen; the API then leaves it out too, with no API code."""
    from admin_views.organisations import VillageView
    from portal.api.schemas import shown_columns

    view = next(v for v in app.extensions["admin"][0]._views if isinstance(v, VillageView))
    assert "ethnic_groups" in [f.name for f in shown_columns(view)]
    monkeypatch.setattr(view, "column_details_exclude_list", ("ethnic_groups",))
    assert "ethnic_groups" not in [f.name for f in shown_columns(view)]
    assert "version" in [f.name for f in shown_columns(view)]


def test_a_view_without_an_api_name_gets_its_models_plural():
    class Declared:
        api_name = None

    for model_name, expected in (("Member", "members"), ("WebhookEndpoint", "webhook-endpoints"),
                                 ("Directory", "directories"), ("Address", "addresses")):
        view = Declared()
        view.model = type(model_name, (), {})
        assert api_name(view) == expected
