"""What the pages share: the application's services, the form tokens, the errors of a form,
the cookies, the client key, and who is logged in (a pupil or a staff member) for this request.
"""

from __future__ import annotations

import base64
import dataclasses
import functools
import hashlib
import re
from typing import Any, Callable, Dict, List, Optional, Tuple

import flask

import inscrire

from . import security, wording
from .backend import Backend
from .config import Config
from .management import Metrics


@dataclasses.dataclass(frozen=True)
class Services:
    """What every request reads, made once by ``create_app``; nothing in it changes after."""

    config: Config
    backend: Backend
    forms: security.FormTokens
    pupil_cookie: security.PupilSessionCookie
    metrics: Metrics
    #: The key of the clients' pseudonyms in the logs.
    log_key: bytes


@dataclasses.dataclass(frozen=True)
class Pupil:
    """The pupil logged in for this request: the library's session token and session."""

    token: str
    session: inscrire.Session

    @property
    def username(self) -> str:
        return self.session.username


@dataclasses.dataclass(frozen=True)
class Staff:
    """The staff member logged in for this request: the library's session and the actor every
    admin call takes (the session token, and the client recorded in the audit log)."""

    token: str
    session: inscrire.StaffSession
    actor: inscrire.Actor

    @property
    def username(self) -> str:
        return self.session.username

    def role_in(self, uai: str) -> Optional[str]:
        """The role held in a school, for what a page offers; the library decides what is
        done."""
        role = self.session.role_in(uai)
        return role.value if role is not None else None

    def is_admin(self, uai: str) -> bool:
        return self.role_in(uai) == "ADMIN"


SERVICES_KEY = "inscrire_web"


def services() -> Services:
    found = flask.current_app.extensions[SERVICES_KEY]
    assert isinstance(found, Services)
    return found


def backend() -> Backend:
    return services().backend


def config() -> Config:
    return services().config


# --- who is asking ----------------------------------------------------------------------------

def client_id() -> str:
    """The browser's random id (the client cookie), made for this request if it had none."""
    value = flask.g.get("client_id")
    assert isinstance(value, str)
    return value


def client_key() -> str:
    """The key the library's throttles count for this request: the client's address."""
    return security.client_key(flask.request.remote_addr)


def current_pupil() -> Optional[Pupil]:
    pupil = flask.g.get("pupil")
    return pupil if isinstance(pupil, Pupil) else None


def current_staff() -> Optional[Staff]:
    staff = flask.g.get("staff")
    return staff if isinstance(staff, Staff) else None


def staff() -> Staff:
    """The staff member of a page that requires one (``staff_required``)."""
    found = current_staff()
    assert found is not None
    return found


def actor() -> inscrire.Actor:
    return staff().actor


def is_secure() -> bool:
    base = config().public_base_url
    return flask.request.is_secure or bool(base and base.startswith("https://"))


def public_base_url() -> str:
    """The address pupils use: --base-url, or the one this request came to."""
    return config().public_base_url or flask.request.host_url.rstrip("/")


# --- forms ------------------------------------------------------------------------------------

def form_token(form: str) -> str:
    return services().forms.issue(client_id(), form)


def form_ok(form: str) -> bool:
    """Whether the POST carries a token this deployment issued to this browser for ``form``,
    not expired. A refused form does nothing: the page shows it again with what was typed."""
    return services().forms.check(client_id(), form,
                                  flask.request.form.get(security.FORM_FIELD))


def text(name: str, limit: int = 200) -> str:
    """A submitted field, stripped and cut to a sane length (the library checks the rest)."""
    return flask.request.form.get(name, "").strip()[:limit]


def secret_field(name: str) -> str:
    """A submitted password as typed (never stripped: spaces count); 1024 characters at most,
    more than the library's 255, so that an over-long one gets the library's refusal."""
    return flask.request.form.get(name, "")[:1024]


#: Labels of the fields, for the list of errors at the top of a form.
FIELD_LABELS = {
    "code": "Code", "prenom": "Prénom", "nom": "Nom", "naissance": "Date de naissance",
    "mot_de_passe": "Mot de passe", "confirmation": "Confirmation du mot de passe",
    "identifiant": "Identifiant", "verification": "Code de vérification",
    "nom_affiche": "Nom affiché", "ancien": "Mot de passe actuel", "fichier": "Fichier",
    "campagne-nom": "Nom de la campagne", "role": "Rôle", "recherche": "Rechercher un élève",
}


class FormErrors:
    """The errors of one submitted form: at most one per field, shown once, next to its field
    (tied by aria-describedby, RGAA 11.10); the list at the top names the fields to correct,
    each a link to its field, and says the errors of the whole form."""

    def __init__(self) -> None:
        self.by_field: Dict[str, str] = {}
        self.general: List[str] = []

    def add(self, field: Optional[str], message: str) -> None:
        if field is None:
            if message not in self.general:
                self.general.append(message)
        else:
            self.by_field.setdefault(field, message)

    def for_field(self, field: str) -> Optional[str]:
        return self.by_field.get(field)

    def fields(self) -> List[Tuple[str, str]]:
        """(field, label) of the fields with an error, in the order they were found."""
        return [(field, FIELD_LABELS.get(field, field)) for field in self.by_field]

    def __bool__(self) -> bool:
        return bool(self.by_field or self.general)


# --- responses --------------------------------------------------------------------------------

def render(template: str, status: int = 200, **context: Any) -> flask.Response:
    response = flask.make_response(flask.render_template(template, **context), status)
    assert isinstance(response, flask.Response)
    return response


def redirect(endpoint: str, **values: Any) -> flask.Response:
    response = flask.redirect(flask.url_for(endpoint, **values), 303)
    assert isinstance(response, flask.Response)
    return response


def set_cookie(response: flask.Response, name: str, value: str,
               max_age: Optional[int] = None, path: str = "/") -> None:
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="Lax",
                        secure=is_secure(), path=path)


def clear_cookie(response: flask.Response, name: str, path: str = "/") -> None:
    response.delete_cookie(name, path=path, httponly=True, samesite="Lax", secure=is_secure())


def set_pupil_cookie(response: flask.Response, token: str) -> None:
    """The pupil's session cookie: the library's token and when it was last used, signed; it
    lasts as long as the idle limit (or the browser's session without one)."""
    cookie = services().pupil_cookie
    set_cookie(response, security.SESSION_COOKIE, cookie.make(token),
               max_age=cookie.idle_seconds or None)


def style_hashes(html: str) -> Tuple[str, ...]:
    """CSP hashes of the inline <style> blocks of a page made by the library (the class
    sheet), so that its styles apply while the policy still refuses any other inline code."""
    hashes = []
    for block in re.findall(r"<style[^>]*>(.*?)</style>", html, flags=re.S):
        digest = hashlib.sha256(block.encode("utf-8")).digest()
        hashes.append("sha256-" + base64.b64encode(digest).decode("ascii"))
    return tuple(hashes)


View = Callable[..., flask.Response]


def staff_required(view: View) -> View:
    """Pages for a logged-in staff member; the others go to « Espace établissement » and come
    back here after the login."""
    @functools.wraps(view)
    def checked(*args: Any, **kwargs: Any) -> flask.Response:
        if current_staff() is None:
            if flask.request.method == "GET":
                return redirect("staff.login", suivant=flask.request.path)
            return redirect("staff.login")
        return view(*args, **kwargs)
    return checked


def leave_to_app(error: inscrire.Error) -> None:
    """Re-raises what every staff page answers the same way through the application's handlers
    (app.py): FORBIDDEN is « Accès refusé », a database error the 503 page. A page's own
    refusal (a wrong name, a closed campaign) is everything else, which it shows itself."""
    if isinstance(error, (inscrire.Forbidden, inscrire.DatabaseError)):
        raise error


def denied() -> flask.Response:
    """« Accès refusé »: the same page and status for a school, campaign or account of another
    school and for one that does not exist (the library answers FORBIDDEN alike)."""
    return render("admin/denied.html", 403, title="Accès refusé",
                  message=wording.staff_message("FORBIDDEN"))
