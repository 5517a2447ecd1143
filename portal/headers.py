"""Security headers on every response, and the nonce that lets our own inline scripts run.

Scripts come only from this site, plus inline scripts that carry the nonce of
their response (Flask-Admin's templates print it through its
`csp_nonce_generator`, ours through `csp_nonce()`). Styles may stay inline:
the templates use style attributes, and a style cannot run code. No page may
be framed, and the browser must not guess a download's type.
"""
import secrets

from flask import g

POLICY = ("default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
          "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
          "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def csp_nonce():
    """This response's nonce, made on first use."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def init_app(app):
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.after_request
    def add_security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", POLICY.format(nonce=csp_nonce()))
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        return response
