"""The Flask application: ``create_app(db, config)``, its request hooks and error pages."""

from __future__ import annotations

import re
import time
from typing import Any, Dict, Optional

import flask

import inscrire

from . import logs, pages, security, wording
from .backend import Backend, local_time
from .config import Config
from .management import Metrics
from .pages import Pupil, Services, Staff

CLIENT_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def create_app(db: inscrire.Database, config: Config,
               metrics: Optional[Metrics] = None) -> flask.Flask:
    """The application over one shared ``inscrire.Database``, opened with
    ``config.library_options()`` (every admin page acts as a staff member); ``metrics``: what
    the management listener shows (made here when the caller serves none)."""
    app = flask.Flask(__name__)
    app.config.update(
        # waitress refuses larger bodies before reading them (server.py); this is the same cap
        # for another WSGI server.
        MAX_CONTENT_LENGTH=config.upload_limit + config.form_limit,
        TEMPLATES_AUTO_RELOAD=False,
    )
    keys = security.Keys(config.secret)
    app.extensions[pages.SERVICES_KEY] = Services(
        config=config, backend=Backend(db),
        forms=security.FormTokens(keys.forms, config.form_token_minutes * 60),
        pupil_cookie=security.PupilSessionCookie(keys.sessions, config.pupil_idle_minutes * 60),
        metrics=metrics or Metrics(db), log_key=keys.logs)
    _install_request_hooks(app)
    _install_template_helpers(app)
    _install_error_pages(app)

    from . import pupil, school, staff  # the blueprints need the helpers above
    app.register_blueprint(pupil.blueprint)
    app.register_blueprint(staff.blueprint, url_prefix="/admin")
    app.register_blueprint(school.blueprint, url_prefix="/admin")
    return app


def _is_staff_path(path: str) -> bool:
    return path == "/admin" or path.startswith("/admin/")


def _install_request_hooks(app: flask.Flask) -> None:
    @app.before_request
    def identify() -> None:
        g = flask.g
        g.started = time.perf_counter()
        cookie = flask.request.cookies.get(security.CLIENT_COOKIE, "")
        g.new_client = not CLIENT_ID_PATTERN.match(cookie)
        g.client_id = security.random_token() if g.new_client else cookie
        g.style_hashes = ()
        if flask.request.path.startswith("/static/"):
            return
        if _is_staff_path(flask.request.path):
            _load_staff()
        else:
            _load_pupil()

    @app.after_request
    def finish(response: flask.Response) -> flask.Response:
        g = flask.g
        if g.get("new_client"):
            pages.set_cookie(response, security.CLIENT_COOKIE, g.client_id,
                             max_age=365 * 24 * 3600)
        if g.get("pupil_cookie_clear"):
            pages.clear_cookie(response, security.SESSION_COOKIE)
        elif g.get("pupil_cookie_refresh") and security.SESSION_COOKIE not in _set_cookies(
                response):
            pupil = pages.current_pupil()
            if pupil is not None:
                pages.set_pupil_cookie(response, pupil.token)
        if g.get("staff_cookie_clear") and security.STAFF_COOKIE not in _set_cookies(response):
            pages.clear_cookie(response, security.STAFF_COOKIE)
        for name, value in security.security_headers(
                pages.is_secure(), g.get("style_hashes", ())).items():
            response.headers[name] = value
        _log_request(response)
        return response


def _log_request(response: flask.Response) -> None:
    """The request's log line and duration (logs.py says what a line may hold); a staff
    action that changed something (a form sent and answered by a redirection) is also an
    ``admin`` event."""
    request, g = flask.request, flask.g
    route = request.endpoint or "not_found"
    if route == "static":
        return
    seconds = time.perf_counter() - g.get("started", time.perf_counter())
    services = pages.services()
    services.metrics.observe(route, request.method, seconds)
    logs.event("request", method=request.method, route=route, status=response.status_code,
               duration_ms=round(seconds * 1000, 1),
               client=logs.client_pseudonym(services.log_key, request.remote_addr))
    staff = g.get("staff")
    if staff is not None and request.method == "POST" and 300 <= response.status_code < 400:
        logs.event("admin", action=route, school=(request.view_args or {}).get("uai"),
                   staff=staff.username, status=response.status_code)


def _set_cookies(response: flask.Response) -> set[str]:
    return {header.split("=", 1)[0] for header in response.headers.getlist("Set-Cookie")}


def _load_pupil() -> None:
    g = flask.g
    value = flask.request.cookies.get(security.SESSION_COOKIE)
    if not value:
        return
    token, idle, stale = pages.services().pupil_cookie.read(value)
    if token is None:
        g.pupil_cookie_clear = True
        return
    if idle:
        # Left without a page longer than the idle limit: a shared computer; the next pupil
        # must not find this one logged in.
        pages.backend().logout(token)
        g.pupil_cookie_clear = True
        g.idle_logout = True
        return
    session = pages.backend().pupil_session(token)
    if session is None:
        g.pupil_cookie_clear = True
        return
    g.pupil = Pupil(token, session)
    g.pupil_cookie_refresh = stale


def _load_staff() -> None:
    g = flask.g
    token = flask.request.cookies.get(security.STAFF_COOKIE, "")
    if not token:
        return
    session = pages.backend().staff_session(token)
    if session is None:
        g.staff_cookie_clear = True
        return
    actor = inscrire.Actor.staff(token).with_client_key(
        security.audit_client(flask.request.remote_addr, g.client_id))
    g.staff = Staff(token, session, actor)


def _install_template_helpers(app: flask.Flask) -> None:
    @app.context_processor
    def helpers() -> Dict[str, Any]:
        return {"form_token": pages.form_token, "token_field": security.FORM_FIELD,
                "pupil": pages.current_pupil(), "staff": pages.current_staff(),
                "labels": wording, "local_time": local_time}


def _install_error_pages(app: flask.Flask) -> None:
    def page(title: str, message: str, status: int) -> flask.Response:
        return pages.render("error.html", status, title=title, message=message)

    @app.errorhandler(404)
    def not_found(_: Exception) -> flask.Response:
        return page("Page introuvable", "Cette page n'existe pas.", 404)

    @app.errorhandler(405)
    def not_allowed(_: Exception) -> flask.Response:
        return page("Page introuvable", "Cette page n'existe pas.", 405)

    @app.errorhandler(413)
    def too_large(_: Exception) -> flask.Response:
        return page("Envoi trop volumineux", wording.staff_message("FILE_TOO_LARGE"), 413)

    @app.errorhandler(inscrire.Forbidden)
    def forbidden(_: inscrire.Error) -> flask.Response:
        return pages.denied()

    @app.errorhandler(inscrire.AuthenticationError)
    def unauthenticated(error: inscrire.Error) -> flask.Response:
        # A staff session that ended during the request, or an ADMIN who must enrol a second
        # factor first (the library refuses every operation until then).
        if _is_staff_path(flask.request.path):
            if error.code == "SECOND_FACTOR_ENROLMENT_REQUIRED":
                return pages.redirect("staff.second_factor")
            if error.code == "SESSION_INVALID":
                flask.g.staff_cookie_clear = True
                return pages.redirect("staff.login")
            return page("Action impossible", wording.staff_error(error), 400)
        return page("Action impossible", wording.pupil_error(error), 400)

    @app.errorhandler(inscrire.DatabaseError)
    def database_error(error: inscrire.Error) -> flask.Response:
        # Nothing was half-written: every use case of the library is one transaction.
        if _is_staff_path(flask.request.path):
            return page("Service indisponible", wording.staff_message(error.code), 503)
        return page("Service indisponible", wording.pupil_message(error.code), 503)

    @app.errorhandler(inscrire.Error)
    def refused(error: inscrire.Error) -> flask.Response:
        # A refusal no page expected: the library's French sentence, never a stack trace.
        if _is_staff_path(flask.request.path):
            return page("Action impossible", wording.staff_error(error), 400)
        return page("Action impossible", wording.pupil_error(error), 400)

    @app.errorhandler(500)
    def internal(_: Exception) -> flask.Response:
        return page("Erreur du serveur", wording.pupil_message("INTERNAL_ERROR"), 500)
