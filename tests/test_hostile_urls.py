"""A URL never makes a 500: every list view and its export, hostile query strings, each role.

The walk covers every registered list view, so a view added later is tried
without a new test: search where there is none, pages far out of range or
negative, sort indexes that do not exist, and every filter fed values of the
wrong kind, all at once.
"""
import pytest

from tests.test_access import ROLES, WORLD, views, world  # noqa: F401  (fixture used by name)

pytestmark = WORLD

HOSTILE = [
    "search=abc",
    "search=%27%22%29%3B--" + "a" * 2000,
    "page=99999999999999999999",
    "page=-1",
    "page=abc&sort=999&desc=abc",
    "sort=-1&page_size=99999999999999999999",
    "page=99999999999999999999&search=nguyen",
    "flt99_99=x&flt0_999=x",
]
# Values of the wrong kind for every filter of a view, sent together.
FILTER_VALUES = ["abc", "99999999999999999999", "-99999999999999999999", "", "31/02/2024,1,x"]


def queries(view, every_sort=False):
    """(query string, whether to try the export too)."""
    for query in HOSTILE:
        yield query, query.startswith("search")
    # Every column's index, sortable or not (a heading's link only exists for the
    # sortable): by the administrator alone, who reaches every list; no role changes sorting.
    for index in range(len(view._list_columns or ())) if every_sort else ():
        yield f"sort={index}&desc=1", index == 0
    count = len(view._filters or ())
    for value in FILTER_VALUES if count else ():
        yield "&".join(f"flt{i}_{i}={value}" for i in range(count)), True


def everyone(login):
    yield "quantri", login("quantri")
    for username, (role, code) in ROLES.items():
        yield username, login(username, role=role, org=code)


def test_no_query_string_makes_a_500_on_any_list_or_export(world, login):  # noqa: F811
    failures = []
    for username, client in everyone(login):
        for view in views(world):
            base = f"/admin/{view.endpoint}/"
            if client.get(base).status_code != 200:
                continue  # not this role's list: its refusal is tested elsewhere
            for query, export_too in queries(view, every_sort=username == "quantri"):
                for path in ("", "export/xlsx/") if export_too else ("",):
                    url = f"{base}{path}?{query}"
                    try:  # under test, an error escapes instead of answering 500
                        status = client.get(url).status_code
                    except Exception as error:  # noqa: BLE001  (each one is the finding)
                        status = f"{type(error).__name__}: {str(error)[:80]}"
                    if not isinstance(status, int) or status >= 500:
                        failures.append(f"{username} {status} {url[:100]}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("query", ["search=abc", "page=99999999999999999999", "page=-3"])
def test_a_list_without_search_ignores_one_and_shows_its_rows(world, login, query):  # noqa: F811
    client = login("quantri")
    response = client.get(f"/admin/auditlog/?{query}")
    assert response.status_code == 200
