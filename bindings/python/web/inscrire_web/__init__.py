"""inscrire.web: the reference web application (docs/web.md).

A small Flask application over one shared ``inscrire.Database``, served by waitress:

    python3 -m inscrire.web --db school.db [--host 127.0.0.1] [--port 8000]
                            [--base-url URL] [--admin-password-file FILE]

``create_app`` builds it for any WSGI server (tests, another deployment). The pupil pages are
in pupil.py, the admin pages in admin.py, every library call in backend.py, the tokens, cookies
and headers in security.py.
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any, Dict, List, Optional, Tuple

import flask

import inscrire

from . import security
from .backend import STATE_LABELS, Backend

# Why the library skipped roster rows (ImportReport.skipped keys).
SKIPPED_LABELS = {"left": "élèves sortis de l'établissement", "no_ine": "élèves sans INE",
                  "no_division": "élèves sans classe"}
CLIENT_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class FormErrors:
    """The errors of one submitted form: each tied to its field (or to the whole form), listed
    at the top of the page and referenced by the field's aria-describedby (RGAA 11.10)."""

    def __init__(self) -> None:
        self.items: List[Tuple[Optional[str], str]] = []

    def add(self, field: Optional[str], message: str) -> None:
        self.items.append((field, message))

    def for_field(self, field: str) -> List[str]:
        return [message for name, message in self.items if name == field]

    def __bool__(self) -> bool:
        return bool(self.items)


def message_of(error: inscrire.Error) -> str:
    """The library's French sentence for a refusal (Error.message: the core's text and its
    detail)."""
    return error.message


def create_app(db: inscrire.Database, *, base_url: Optional[str] = None,
               admin_password: Optional[security.AdminPassword] = None) -> flask.Flask:
    app = flask.Flask(__name__)
    app.config.update(
        BASE_URL=base_url.rstrip("/") if base_url else None,
        MAX_CONTENT_LENGTH=64 * 1024 * 1024,  # a large school's zipped SIECLE export fits
        TEMPLATES_AUTO_RELOAD=False,
    )
    app.extensions["inscrire"] = {
        "backend": Backend(db),
        "forms": security.FormTokens(),
        "admins": security.AdminSessions(),
        "admin_password": admin_password,
    }
    _install_request_hooks(app)
    _install_template_helpers(app)
    _install_error_pages(app)

    from . import admin, pupil  # the blueprints need the helpers above
    app.register_blueprint(pupil.blueprint)
    app.register_blueprint(admin.blueprint, url_prefix="/admin")
    return app


# --- helpers shared by the blueprints -------------------------------------------------------

def backend() -> Backend:
    return flask.current_app.extensions["inscrire"]["backend"]


def forms() -> security.FormTokens:
    return flask.current_app.extensions["inscrire"]["forms"]


def client_key() -> str:
    return security.client_key(flask.request.remote_addr, flask.g.client_id)


def is_secure() -> bool:
    base = flask.current_app.config["BASE_URL"]
    return flask.request.is_secure or bool(base and base.startswith("https://"))


def public_base_url() -> str:
    """The address pupils use: --base-url, or the one this request came to."""
    return flask.current_app.config["BASE_URL"] or flask.request.host_url.rstrip("/")


def form_valid(form: str) -> Tuple[bool, Any]:
    """Spends the submitted one-time token of ``form``: (valid, server-side payload)."""
    return forms().consume(flask.g.client_id, form,
                           flask.request.form.get(security.FORM_FIELD))


def refused_form() -> flask.Response:
    """A POST with a wrong, expired or already used form token: nothing was done."""
    page = flask.render_template("refused.html")
    return flask.make_response(page, 400)


def set_cookie(response: flask.Response, name: str, value: str,
               max_age: Optional[int] = None) -> None:
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="Lax",
                        secure=is_secure(), path="/")


def clear_cookie(response: flask.Response, name: str) -> None:
    response.delete_cookie(name, path="/", httponly=True, samesite="Lax", secure=is_secure())


def style_hashes(html: str) -> Tuple[str, ...]:
    """CSP hashes of the inline <style> blocks of a page made by the library (the class
    sheet), so that its styles apply while the policy still refuses any other inline code."""
    hashes = []
    for block in re.findall(r"<style[^>]*>(.*?)</style>", html, flags=re.S):
        digest = hashlib.sha256(block.encode("utf-8")).digest()
        hashes.append("sha256-" + base64.b64encode(digest).decode("ascii"))
    return tuple(hashes)


# --- hooks ----------------------------------------------------------------------------------

def _install_request_hooks(app: flask.Flask) -> None:
    @app.before_request
    def identify_browser() -> None:
        cookie = flask.request.cookies.get(security.CLIENT_COOKIE, "")
        flask.g.new_client = not CLIENT_ID_PATTERN.match(cookie)
        flask.g.client_id = security.random_token() if flask.g.new_client else cookie
        flask.g.style_hashes = ()

    @app.after_request
    def add_headers(response: flask.Response) -> flask.Response:
        if getattr(flask.g, "new_client", False):
            set_cookie(response, security.CLIENT_COOKIE, flask.g.client_id,
                       max_age=365 * 24 * 3600)
        for name, value in security.security_headers(
                is_secure(), getattr(flask.g, "style_hashes", ())).items():
            response.headers[name] = value
        return response


def _install_template_helpers(app: flask.Flask) -> None:
    @app.context_processor
    def helpers() -> Dict[str, Any]:
        def form_token(form: str, payload: Any = None) -> str:
            return forms().issue(flask.g.client_id, form, payload)
        return {"form_token": form_token, "token_field": security.FORM_FIELD,
                "describe": lambda code: inscrire.describe(code, "fr"),
                "state_labels": STATE_LABELS, "skipped_labels": SKIPPED_LABELS,
                "admin_enabled": flask.current_app.extensions["inscrire"]["admin_password"]
                is not None}


def _install_error_pages(app: flask.Flask) -> None:
    @app.errorhandler(404)
    def not_found(_: Exception) -> Tuple[str, int]:
        return flask.render_template("error.html", title="Page introuvable",
                                     message="Cette page n'existe pas."), 404

    @app.errorhandler(413)
    def too_large(_: Exception) -> Tuple[str, int]:
        return flask.render_template("error.html", title="Fichier trop volumineux",
                                     message=inscrire.describe("FILE_TOO_LARGE")), 413

    @app.errorhandler(inscrire.DatabaseError)
    def database_error(error: inscrire.Error) -> Tuple[str, int]:
        return flask.render_template("error.html", title="Service indisponible",
                                     message=inscrire.describe(error.code, "fr")), 503

    @app.errorhandler(inscrire.Error)
    def refused(error: inscrire.Error) -> Tuple[str, int]:
        # A refusal no page expected: the library's French sentence, never a stack trace.
        return flask.render_template("error.html", title="Action impossible",
                                     message=inscrire.describe(error.code, "fr")), 400

    @app.errorhandler(500)
    def internal(_: Exception) -> Tuple[str, int]:
        return flask.render_template("error.html", title="Erreur du serveur",
                                     message=inscrire.describe("INTERNAL_ERROR", "fr")), 500
