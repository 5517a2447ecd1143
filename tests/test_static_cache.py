"""Style sheets and scripts are kept by the browser, and a changed file is fetched anew."""
import os
import re

from flask import url_for

from portal.static_cache import ONE_YEAR, stamp

LINKED = re.compile(r'(?:src|href)="(/(?:static|admin/static)/[^"?]+)\?v=([^"&]+)"')
UNSTAMPED = re.compile(r'(?:src|href)="(/(?:static|admin/static)/[^"?]+)"')


def kept_a_year(response):
    cache = response.cache_control
    return cache.public and cache.max_age == ONE_YEAR and not cache.no_cache


def test_every_file_a_page_links_is_stamped_and_kept_a_year(login):
    client = login("secretariat_static", role="secretariat")
    for page in ("/admin/", "/admin/member/", "/admin/totals/"):
        html = client.get(page).get_data(as_text=True)
        linked = LINKED.findall(html)
        # Flask-Admin's scripts and styles and ours, each with its stamp; none without.
        assert len(linked) >= 5 and not UNSTAMPED.findall(html), page
        for path, mark in linked:
            with client.get(f"{path}?v={mark}") as response:
                assert response.status_code == 200 and kept_a_year(response), path
                assert "immutable" in response.headers["Cache-Control"]


def test_a_link_without_the_files_current_stamp_is_asked_again_each_time(client):
    for path in ("/static/portal.css", "/static/portal.css?v=stale", "/admin/static/vendor/jquery.min.js?v=3.5.1"):
        with client.get(path) as response:
            assert response.status_code == 200 and not kept_a_year(response), path
            assert response.cache_control.no_cache, path


def test_a_changed_file_gets_a_new_link_and_the_old_one_is_not_kept(app, tmp_path):
    app.static_folder = str(tmp_path)
    (tmp_path / "site.css").write_text("body { color: black; }")
    with app.test_request_context():
        before = url_for("static", filename="site.css")
    (tmp_path / "site.css").write_text("body { color: darkblue; }")
    with app.test_request_context():
        after = url_for("static", filename="site.css")
    assert before != after and after.endswith("?v=" + stamp(str(tmp_path), "site.css"))
    client = app.test_client()
    with client.get(before) as old:
        assert not kept_a_year(old)
    with client.get(after) as new:
        assert kept_a_year(new) and new.get_data(as_text=True) == "body { color: darkblue; }"


def test_the_same_file_has_the_same_stamp_on_every_node(tmp_path):
    # Two web nodes installed apart: the same bytes, other modification times.
    for node, written_at in (("node1", 1_700_000_000), ("node2", 1_800_000_000)):
        (tmp_path / node).mkdir()
        (tmp_path / node / "site.js").write_text("console.log(1);")
        os.utime(tmp_path / node / "site.js", (written_at, written_at))
    assert stamp(str(tmp_path / "node1"), "site.js") == stamp(str(tmp_path / "node2"), "site.js")
