"""Staff accounts' pages (docs/web.md, "Staff pages"), over the library's staff accounts, sessions
and second factor (docs/rules.md §9):

    /admin/connexion                 « Espace établissement »: Identifiant, Mot de passe,
                                     Code de vérification
    /admin/deconnexion               POST: ends the staff session
    /admin/                          the member's schools (the school switcher)
    /admin/invitation/CODE           accepting an invitation: a new account, or the school added
                                     to the logged-in account
    /admin/verification              second factor: the QR code and the secret, then the
                                     recovery codes, shown once
    /admin/mot-de-passe              the member's own password (or a new one after a reset)
    /admin/e/UAI/equipe              « Équipe »: members, roles, invitations (ADMIN)
    /admin/e/UAI/journal             « Journal »: the school's audit log, paged (ADMIN)
"""

from __future__ import annotations

import datetime
from typing import Optional

import flask
import markupsafe

import inscrire

from . import security, wording
from .pages import (FormErrors, actor, backend, clear_cookie, client_key, current_staff,
                    form_ok, leave_to_app, public_base_url, redirect, render, secret_field,
                    set_cookie, staff, staff_required, text)
from .school import school_of

blueprint = flask.Blueprint("staff", __name__)
JOURNAL_PAGE_SIZE = 50
#: The library's one-time password-change token (after a reset) waits in a cookie this long.
CHANGE_COOKIE_SECONDS = 15 * 60
CHANGE_PATH = "/admin/mot-de-passe"


def _next_page(value: Optional[str]) -> Optional[str]:
    """Where to go after the login: a path of the staff pages only (never another site)."""
    if value and value.startswith("/admin/") and not value.startswith("//") and "\\" not in value:
        return value[:300]
    return None


def _staff_login_error(error: inscrire.Error, errors: FormErrors) -> None:
    if error.code == "SECOND_FACTOR_REQUIRED":
        errors.add("verification", "Le mot de passe est correct : saisissez maintenant le code "
                                   "de vérification de votre application.")
    elif error.code == "SECOND_FACTOR_INVALID":
        errors.add("verification", wording.staff_message(error.code))
    else:
        message = wording.staff_message(error.code)
        remaining = getattr(error, "remaining_attempts", None)
        if isinstance(remaining, int) and remaining > 0:
            message += f" Encore {remaining} essai{'s' if remaining > 1 else ''} avant le blocage."
        retry = getattr(error, "retry_after", None)
        if isinstance(retry, int) and retry > 0:
            message += f" (encore {max(1, (retry + 59) // 60)} min environ)"
        errors.add(None, message)


def _logged_in(response: flask.Response, token: str) -> flask.Response:
    """The library's staff session token in an HttpOnly cookie, until the browser closes: the
    library ends the session after 30 minutes unused, 8 hours in all, or at logout."""
    set_cookie(response, security.STAFF_COOKIE, token)
    return response


# --- « Espace établissement » ---------------------------------------------------------------

@blueprint.route("/connexion", methods=["GET", "POST"])
def login() -> flask.Response:
    errors = FormErrors()
    username = ""
    target = _next_page(flask.request.values.get("suivant"))
    if flask.request.method == "POST":
        username = text("identifiant", 64)
        password, totp = secret_field("mot_de_passe"), text("verification", 20)
        if not form_ok("staff-login"):
            errors.add(None, wording.FORM_EXPIRED_STAFF)
        elif not username or not password:
            errors.add(None, "Saisissez votre identifiant et votre mot de passe.")
        else:
            try:
                result = backend().staff_login(username, password, client_key(), totp)
            except inscrire.DatabaseError:
                raise  # the 503 page (app.py)
            except inscrire.Error as error:
                _staff_login_error(error, errors)
            else:
                if result.password_change_required and result.change_token:
                    page = _password_page(result.username, FormErrors(), with_token=True)
                    set_cookie(page, security.CHANGE_COOKIE, result.change_token,
                               max_age=CHANGE_COOKIE_SECONDS, path=CHANGE_PATH)
                    return page
                response = flask.redirect(target or flask.url_for("staff.home"), 303)
                assert isinstance(response, flask.Response)
                return _logged_in(response, result.session_token or "")
    return render("admin/login.html", 400 if errors else 200, errors=errors, username=username,
                  target=target)


@blueprint.route("/deconnexion", methods=["GET", "POST"])
def logout() -> flask.Response:
    me = current_staff()
    if flask.request.method == "GET" or not form_ok("staff-logout"):
        errors = FormErrors()
        if flask.request.method == "POST":
            errors.add(None, wording.FORM_EXPIRED_STAFF)
        return render("admin/logout.html", 400 if errors else 200, errors=errors)
    if me is not None:
        backend().staff_logout(me.token)
    response = redirect("staff.login")
    clear_cookie(response, security.STAFF_COOKIE)
    flask.g.staff = None
    return response


@blueprint.get("/")
@staff_required
def home() -> flask.Response:
    """The member's schools; with one only, its page directly."""
    schools = backend().schools(actor())
    if len(schools) == 1:
        return redirect("school.school", uai=schools[0].uai)
    return render("admin/home.html", schools=schools)


# --- invitations ----------------------------------------------------------------------------

@blueprint.route("/invitation/<code>", methods=["GET", "POST"])
def invitation(code: str) -> flask.Response:
    """An invitation's link (the operator's sheet, or « Inviter un membre »): a new account
    (username, display name, password), or, for a member already logged in, the school added to
    their account."""
    code = code[:32]
    me = current_staff()
    errors = FormErrors()
    values = {"identifiant": "", "nom_affiche": ""}
    if flask.request.method == "POST":
        values = {"identifiant": text("identifiant", 64), "nom_affiche": text("nom_affiche", 100)}
        if not form_ok("invitation"):
            errors.add(None, wording.FORM_EXPIRED_STAFF)
        elif me is not None:
            try:
                session = backend().accept_invitation_in_session(code, me.actor, client_key())
            except inscrire.DatabaseError:
                raise  # the 503 page (app.py)
            except inscrire.Error as error:
                errors.add(None, wording.staff_error(error))
            else:
                added = [m.uai for m in session.memberships]
                return redirect("school.school", uai=added[-1]) if len(added) == 1 else \
                    redirect("staff.home")
        else:
            password, confirmation = secret_field("mot_de_passe"), secret_field("confirmation")
            if password != confirmation:
                errors.add("confirmation", wording.PASSWORDS_DIFFER)
            else:
                try:
                    result = backend().accept_invitation(code, values["identifiant"],
                                                         values["nom_affiche"], password,
                                                         client_key())
                except inscrire.DatabaseError:
                    raise  # the 503 page (app.py)
                except inscrire.Error as error:
                    _invitation_error(error, errors)
                else:
                    return _logged_in(redirect("staff.home"), result.session_token or "")
    return render("admin/invitation.html", 400 if errors else 200, code=code, errors=errors,
                  values=values, rule=wording.STAFF_PASSWORD_RULE)


def _invitation_error(error: inscrire.Error, errors: FormErrors) -> None:
    if error.code == "STAFF_USERNAME_TAKEN" or (error.code == "INVALID_ARGUMENT"
                                                and "username" in error.detail):
        errors.add("identifiant", wording.staff_error(error))
    elif error.code.startswith("PASSWORD"):
        errors.add("mot_de_passe", _staff_password_message(error))
    elif error.code in ("NAME_REQUIRED", "FIELD_TOO_LONG", "INVALID_NAME_CHARACTERS"):
        errors.add("nom_affiche", wording.staff_error(error))
    else:
        errors.add(None, wording.staff_error(error))


def _staff_password_message(error: inscrire.Error) -> str:
    # The library's PASSWORD_TOO_WEAK sentence is the pupils' rule (8 characters...); staff
    # passwords follow their own (12 characters at least, not the username).
    if error.code == "PASSWORD_TOO_WEAK":
        return "Ce mot de passe ne respecte pas la règle : 12 caractères au moins."
    if error.code == "PASSWORD_CONTAINS_PERSONAL_INFO":
        return "Le mot de passe ne doit pas contenir votre identifiant."
    return wording.staff_message(error.code)


# --- second factor --------------------------------------------------------------------------

@blueprint.route("/verification", methods=["GET", "POST"])
@staff_required
def second_factor() -> flask.Response:
    """Enrolment: the QR code and the secret of a new TOTP key (the library keeps it pending),
    confirmed by one code from the app; then the 10 recovery codes, shown this once."""
    me = staff()
    errors = FormErrors()
    if flask.request.method == "POST":
        if not form_ok("second-factor"):
            errors.add(None, wording.FORM_EXPIRED_STAFF)
        else:
            try:
                codes = backend().confirm_second_factor(me.token, text("verification", 20))
            except inscrire.AuthenticationError as error:
                if error.code != "SECOND_FACTOR_INVALID":
                    raise
                errors.add("verification", wording.staff_message(error.code))
            else:
                return render("admin/recovery_codes.html", codes=codes)
    elif me.session.second_factor:
        return render("admin/second_factor_done.html")
    # A new secret at each display: the one of the page being read is the one confirmed.
    enrolment = backend().begin_second_factor(me.token)
    secret = " ".join(enrolment.secret[i:i + 4] for i in range(0, len(enrolment.secret), 4))
    return render("admin/second_factor.html", 400 if errors else 200, errors=errors,
                  qr_svg=markupsafe.Markup(enrolment.qr_svg), secret=secret)


# --- own password ---------------------------------------------------------------------------

def _password_page(username: str, errors: FormErrors, with_token: bool,
                   status: int = 200) -> flask.Response:
    return render("admin/password.html", status, username=username, errors=errors,
                  with_token=with_token, rule=wording.STAFF_PASSWORD_RULE)


@blueprint.route("/mot-de-passe", methods=["GET", "POST"])
def password() -> flask.Response:
    """The member's own password: with the current one when logged in, or with the library's
    one-time token (its cookie) after a reset by an ADMIN."""
    me = current_staff()
    change_token = flask.request.cookies.get(security.CHANGE_COOKIE, "")
    with_token = me is None
    if with_token and not change_token:
        return redirect("staff.login")
    username = me.username if me is not None else text("identifiant", 64)
    errors = FormErrors()
    if flask.request.method == "POST":
        new, confirmation = secret_field("mot_de_passe"), secret_field("confirmation")
        if not form_ok("staff-password"):
            errors.add(None, wording.FORM_EXPIRED_STAFF)
        elif new != confirmation:
            errors.add("confirmation", wording.PASSWORDS_DIFFER)
        else:
            try:
                if with_token:
                    backend().change_staff_password_with_token(change_token, new)
                else:
                    backend().change_staff_password(username, secret_field("ancien"), new)
            except inscrire.DatabaseError:
                raise  # the 503 page (app.py)
            except inscrire.Error as error:
                if error.code.startswith("PASSWORD"):
                    errors.add("mot_de_passe", _staff_password_message(error))
                elif error.code == "INVALID_CREDENTIALS":
                    errors.add("ancien", wording.staff_message(error.code))
                else:
                    errors.add(None, wording.staff_error(error))
            else:
                # Every session of the account ended with the change: log in again.
                response = redirect("staff.login")
                clear_cookie(response, security.CHANGE_COOKIE, path=CHANGE_PATH)
                clear_cookie(response, security.STAFF_COOKIE)
                return response
    return _password_page(username, errors, with_token, 400 if errors else 200)


# --- « Équipe » -----------------------------------------------------------------------------

def _team_page(uai: str, errors: Optional[FormErrors] = None, status: int = 200,
               invitation: Optional[inscrire.StaffInvitation] = None,
               temporary: Optional[tuple[str, str]] = None) -> flask.Response:
    members = backend().members(uai, actor())
    invitations = backend().invitations(uai, actor())
    link = (f"{public_base_url()}/admin/invitation/{invitation.code}" if invitation else None)
    me = staff()
    return render("admin/team.html", status, school=school_of(uai), role=me.role_in(uai),
                  is_admin=me.is_admin(uai), members=members, invitations=invitations,
                  errors=errors or FormErrors(), invitation=invitation, link=link,
                  temporary=temporary)


@blueprint.get("/e/<uai>/equipe")
@staff_required
def team(uai: str) -> flask.Response:
    return _team_page(uai)


@blueprint.post("/e/<uai>/equipe")
@staff_required
def team_action(uai: str) -> flask.Response:
    """« Inviter un membre » (the code and the link shown this once), a role changed, a member
    removed (confirmed first), an invitation revoked, a member's password or second factor
    reset (confirmed first). The library refuses what the role does not allow and the last
    ADMIN's departure (LAST_ADMIN, shown as it says)."""
    action = flask.request.form.get("action", "")
    confirmed = flask.request.form.get("confirme") == "oui"
    errors = FormErrors()
    if not form_ok("team-confirmed" if confirmed else "team"):
        errors.add(None, wording.FORM_EXPIRED_STAFF)
        return _team_page(uai, errors, 400)
    member = text("membre", 64)
    try:
        if action == "inviter":
            invitation = backend().invite(uai, text("role", 10) or "MEMBER", actor())
            return _team_page(uai, invitation=invitation)
        if action == "role":
            backend().set_member_role(uai, member, text("role", 10), actor())
        elif action == "revoquer":
            identifier = text("invitation", 20)
            if not identifier.isdigit():
                flask.abort(400)
            backend().revoke_invitation(uai, int(identifier), actor())
        elif action in ("retirer", "mot_de_passe", "verification"):
            if not confirmed:
                return render("admin/confirm_member.html", school=school_of(uai),
                              role=staff().role_in(uai), is_admin=staff().is_admin(uai),
                              member=member, action=action)
            if action == "retirer":
                backend().remove_member(uai, member, actor())
            elif action == "mot_de_passe":
                temporary = backend().reset_member_password(uai, member, actor())
                return _team_page(uai, temporary=(member, temporary))
            else:
                backend().reset_member_second_factor(uai, member, actor())
        else:
            flask.abort(400)
    except inscrire.Error as error:
        leave_to_app(error)
        errors.add(None, wording.staff_error(error))
        return _team_page(uai, errors, 400)
    if action == "retirer" and member == staff().username:
        return redirect("staff.home")
    return redirect("staff.team", uai=uai)


# --- « Journal » ----------------------------------------------------------------------------

@blueprint.get("/e/<uai>/journal")
@staff_required
def journal(uai: str) -> flask.Response:
    """The school's audit log, newest first, 50 rows a page (its ADMINs only: the library
    refuses the others, and writes that refusal in this same log)."""
    page = max(1, min(flask.request.args.get("page", 1, type=int) or 1, 10_000))
    action = flask.request.args.get("action", "")[:50]
    if action not in wording.ACTION_LABELS:
        action = ""
    rows = backend().audit_log(uai, actor(), action, JOURNAL_PAGE_SIZE + 1,
                               (page - 1) * JOURNAL_PAGE_SIZE)
    me = staff()
    return render("admin/journal.html", school=school_of(uai), role=me.role_in(uai),
                  is_admin=me.is_admin(uai), rows=rows[:JOURNAL_PAGE_SIZE],
                  has_next=len(rows) > JOURNAL_PAGE_SIZE, page=page, action=action,
                  now=datetime.datetime.now(datetime.timezone.utc))
