"""Every response forbids framing and type guessing, and runs only our own scripts."""
import re

from tests.test_access import WORLD, views, world  # noqa: F401  (fixture used by name)

INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*application/json)([^>]*)>", re.I)


def policy_of(response):
    policy = response.headers.get("Content-Security-Policy", "")
    found = re.search(r"'nonce-([^']+)'", policy)
    return policy, found.group(1) if found else None


def assert_hardened(response, url):
    policy, nonce = policy_of(response)
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy, url
    assert "object-src 'none'" in policy and "unsafe-inline' 'nonce" not in policy, url
    script_src = re.search(r"script-src ([^;]*)", policy).group(1)
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src, url
    assert response.headers.get("X-Frame-Options") == "DENY", url
    assert response.headers.get("X-Content-Type-Options") == "nosniff", url
    assert response.headers.get("Referrer-Policy") == "same-origin", url
    return nonce


def test_public_pages_and_errors_carry_the_headers(client):
    for url, status in (("/login", 200), ("/admin/", 302), ("/khong-co-trang-nay", 404)):
        response = client.get(url)
        assert response.status_code == status
        assert_hardened(response, url)


@WORLD
def test_every_inline_script_carries_its_responses_nonce(world, login):  # noqa: F811
    client = login("quantri")
    pages = ["/admin/", "/admin/totals/", "/admin/dashboard/", "/admin/quarterlyreport/entry/",
             "/admin/account/"]
    pages += [f"/admin/{view.endpoint}/" for view in views(world)]
    pages += [f"/admin/{view.endpoint}/new/" for view in views(world) if view.can_create]
    nonces = set()
    for url in pages:
        response = client.get(url, follow_redirects=True)
        assert response.status_code == 200, url
        nonce = assert_hardened(response, url)
        nonces.add(nonce)
        html = response.get_data(as_text=True)
        for attributes in INLINE_SCRIPT.findall(html):
            assert f'nonce="{nonce}"' in attributes, (url, attributes)
        # No inline event handler: the policy would block it (portal.js binds them instead).
        assert not INLINE_HANDLER.search(html), (url, INLINE_HANDLER.search(html).group(0))
        assert "/static/js/portal.js" in html, url
    assert len(nonces) == len(pages)  # a fresh nonce for every response
