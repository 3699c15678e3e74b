"""The pupil's pages: the seed procedure's steps 3 to 6 and its "Fin" (docs/web.md).

    /                       « Saisir mon code » and « Se connecter »
    /code                   the code page (case, spaces and hyphens ignored by the library)
    /c/CODE                 « Je m'inscris » for that campaign (the class sheet's link and QR)
    /c/CODE/mot-de-passe    the username page: « Votre identifiant », the password, then start
    /c/CODE/rejoindre       a logged-in pupil joins another campaign
    /connexion              « Se connecter »; a temporary password leads to
    /nouveau-mot-de-passe   « Choisir un nouveau mot de passe »
    /mes-campagnes          the pupil's participations, « Reprendre »
    /campagne/CODE          the campaign (the platform's activity), « J'ai terminé »,
                            « Envoyer mes résultats »
    /deconnexion            ends the session
"""

from __future__ import annotations

from typing import Any, Optional

import flask

import inscrire

from . import (FormErrors, backend, clear_cookie, client_key, form_valid, refused_form,
               set_cookie)
from .backend import PupilSession
from .security import SESSION_COOKIE

blueprint = flask.Blueprint("pupil", __name__)

BIRTHDATE_CODES = {"BIRTHDATE_REQUIRED", "INVALID_BIRTHDATE_FORMAT", "INVALID_BIRTHDATE",
                   "BIRTHDATE_IN_FUTURE", "BIRTHDATE_TOO_OLD"}


def french(error: inscrire.Error) -> str:
    """What a pupil reads for a refusal: the library's French sentence (the detail is for
    admins and logs), with the waiting time or the attempts left when the library gives
    them."""
    sentence = inscrire.describe(error.code, "fr")
    retry_after = getattr(error, "retry_after", None)
    if retry_after:
        minutes = max(1, (int(retry_after) + 59) // 60)
        sentence += f" (encore {minutes} minute{'s' if minutes > 1 else ''} environ)"
    remaining = getattr(error, "remaining_attempts", None)
    if remaining is not None:
        sentence += (f" Il vous reste {remaining} essai{'s' if remaining > 1 else ''} "
                     "avant le blocage du compte.")
    return sentence


def password_rule() -> str:
    return inscrire.describe("PASSWORD_TOO_WEAK", "fr")


def current_pupil() -> Optional[PupilSession]:
    token = flask.request.cookies.get(SESSION_COOKIE, "")
    return backend().authenticate(token) if token else None


def session_token() -> str:
    return flask.request.cookies.get(SESSION_COOKIE, "")


def to_login() -> flask.Response:
    """The session ended (logout elsewhere, expiry, a password reset): log in again."""
    response = flask.redirect(flask.url_for("pupil.login"), 303)
    if flask.request.cookies.get(SESSION_COOKIE):
        clear_cookie(response, SESSION_COOKIE)
    return response


def logged_in(response: flask.Response, result: inscrire.LoginResult) -> flask.Response:
    """The library's session token in the pupil's HttpOnly cookie (no expiry of its own: the
    library ends the session)."""
    set_cookie(response, SESSION_COOKIE, result.session_token)
    return response


def _identity() -> dict:
    form = flask.request.form
    return {"first_name": form.get("prenom", "").strip(), "last_name": form.get("nom", "").strip(),
            "birthdate": form.get("naissance", "").strip()}


def _check_identity(identity: dict, errors: FormErrors) -> None:
    """Every field checked with the library's own rules before the match, so that the page
    lists all the fields to correct at once."""
    for field, key in (("prenom", "first_name"), ("nom", "last_name")):
        try:
            inscrire.validate_name(identity[key])
        except inscrire.Error as error:
            errors.add(field, french(error))
    try:
        inscrire.parse_birthdate(identity["birthdate"])
    except inscrire.Error as error:
        errors.add("naissance", french(error))


def _add_identity_error(error: inscrire.Error, errors: FormErrors) -> None:
    if error.code in BIRTHDATE_CODES:
        errors.add("naissance", french(error))
    elif error.code.startswith("PASSWORD"):
        errors.add("mot_de_passe", french(error))
    else:
        errors.add(None, french(error))


# --- home and code --------------------------------------------------------------------------

@blueprint.get("/")
def home() -> str:
    return flask.render_template("home.html", pupil=current_pupil())


@blueprint.route("/code", methods=["GET", "POST"])
def code_page() -> Any:
    errors, code = FormErrors(), ""
    if flask.request.method == "POST":
        valid, _ = form_valid("code")
        if not valid:
            return refused_form()
        code = flask.request.form.get("code", "").strip()
        if not code:
            errors.add("code", inscrire.describe("CAMPAIGN_NOT_FOUND", "fr"))
        else:
            try:
                campaign = backend().find_campaign(code, client_key())
                return flask.redirect(flask.url_for("pupil.signup", code=campaign.code), 303)
            except inscrire.Error as error:
                errors.add("code", french(error))
    return flask.render_template("code.html", errors=errors, code=code), 400 if errors else 200


# --- « Je m'inscris » -----------------------------------------------------------------------

def _open_campaign(code: str) -> Any:
    """The campaign of a sign-up link, or the error page a pupil understands."""
    try:
        return backend().find_campaign(code, client_key())
    except inscrire.Error as error:
        return flask.make_response(flask.render_template(
            "error.html", title="Campagne indisponible", message=french(error),
            back=flask.url_for("pupil.code_page")), 404)


@blueprint.route("/c/<code>", methods=["GET", "POST"])
def signup(code: str) -> Any:
    campaign = _open_campaign(code)
    if isinstance(campaign, flask.Response):
        return campaign
    if campaign.code != code:  # /c/abc-def234 → /c/ABCDEF234
        return flask.redirect(flask.url_for("pupil.signup", code=campaign.code), 301)
    school = backend().school_name(campaign.uai)
    pupil, errors, identity = current_pupil(), FormErrors(), {}
    if flask.request.method == "POST":
        valid, _ = form_valid("signup")
        if not valid:
            return refused_form()
        identity = _identity()
        _check_identity(identity, errors)
        if not errors:
            found = _match(campaign.code, identity, errors)
            if found is not None:
                return found
    status = 400 if errors else 200
    return flask.render_template("signup.html", campaign=campaign, school=school, pupil=pupil,
                                 errors=errors, identity=identity), status


def _match(code: str, identity: dict, errors: FormErrors) -> Optional[Any]:
    """Step 4: who the pupil is. Returns the next page, or None with ``errors`` filled."""
    try:
        report = backend().match(code, identity["first_name"], identity["last_name"],
                                 identity["birthdate"], client_key())
    except inscrire.Error as error:
        _add_identity_error(error, errors)
        return None
    if report.matched:
        return _username_page(code, identity, report, FormErrors())
    if report.username_hint:  # already registered: the masked hint and « Se connecter »
        return flask.render_template("already.html", code=code, hint=report.username_hint,
                                     message=inscrire.describe(
                                         report.error or "LEARNER_ALREADY_LINKED", "fr"))
    errors.add(None, inscrire.describe(report.error or "NO_NAME_MATCH", "fr"))
    return None


def _username_page(code: str, identity: dict, report: Any, errors: FormErrors) -> str:
    """The username registration will give. When its DDMM form is taken (twins, namesakes,
    a dissociated learner), the library draws a free suffix at random at registration, not the
    one of this preview: the page then announces the stem only, and the campaign page shows
    the name once the account exists (docs/web.md)."""
    birthdate = inscrire.parse_birthdate(identity["birthdate"])
    settled = report.username.endswith(birthdate.strftime("%d%m"))
    return flask.render_template("username.html", code=code, identity=identity,
                                 username=report.username if settled else None,
                                 stem=report.username[:-4], learner=report.learner,
                                 rule=password_rule(), errors=errors)


@blueprint.post("/c/<code>/mot-de-passe")
def choose_password(code: str) -> Any:
    """Step 5: the pupil sets a password; the account is created, linked and the campaign
    starts (step 6), all in the library's one transaction."""
    valid, _ = form_valid("register")
    if not valid:
        return refused_form()
    identity, password = _identity(), flask.request.form.get("mot_de_passe", "")
    errors = FormErrors()
    if not password:
        errors.add("mot_de_passe", inscrire.describe("PASSWORD_REQUIRED", "fr"))
    else:
        try:
            registration = backend().register(code, identity["first_name"],
                                              identity["last_name"], identity["birthdate"],
                                              password, client_key())
        except inscrire.AlreadyRegistered as error:
            return flask.render_template("already.html", code=code, hint=error.username_hint,
                                         message=french(error))
        except inscrire.Error as error:
            _add_identity_error(error, errors)
        else:
            result = backend().login(registration.username, password, client_key())
            response = flask.redirect(
                flask.url_for("pupil.campaign", code=registration.campaign.code, nouveau=1), 303)
            return logged_in(response, result)
    report = None
    try:
        report = backend().match(code, identity["first_name"], identity["last_name"],
                                 identity["birthdate"], client_key())
    except inscrire.Error:
        pass
    if report is None or not report.matched:
        return flask.redirect(flask.url_for("pupil.signup", code=code), 303)
    return _username_page(code, identity, report, errors), 400


@blueprint.post("/c/<code>/rejoindre")
def join(code: str) -> Any:
    """A logged-in pupil joins this campaign with their account (no second account)."""
    valid, _ = form_valid("join")
    if not valid:
        return refused_form()
    pupil = current_pupil()
    if pupil is None:
        return to_login()
    with_identity = "prenom" in flask.request.form
    identity, errors = (_identity(), FormErrors()) if with_identity else ({}, FormErrors())
    try:
        if with_identity:
            _check_identity(identity, errors)
            if errors:
                return _join_identity_page(code, pupil, identity, errors)
            registration = backend().join_campaign(
                session_token(), code, identity["first_name"], identity["last_name"],
                identity["birthdate"], client_key())
        else:
            registration = backend().join_campaign(session_token(), code)
    except inscrire.Error as error:
        if error.code == "LEARNER_NOT_FOUND" and not with_identity:
            # Not linked in this school yet (a pupil who changed school): who are you there?
            return _join_identity_page(code, pupil, {}, FormErrors(), status=200)
        if with_identity and (isinstance(error, inscrire.MatchRefused)
                              or isinstance(error, inscrire.InvalidInput)):
            _add_identity_error(error, errors)
            return _join_identity_page(code, pupil, identity, errors)
        return flask.make_response(flask.render_template(
            "error.html", title="Impossible de rejoindre la campagne", message=french(error),
            back=flask.url_for("pupil.my_campaigns")), 400)
    return flask.redirect(flask.url_for("pupil.campaign", code=registration.campaign.code), 303)


def _join_identity_page(code: str, pupil: PupilSession, identity: dict, errors: FormErrors,
                        status: int = 400) -> Any:
    campaign = _open_campaign(code)
    if isinstance(campaign, flask.Response):
        return campaign
    return flask.render_template("signup.html", campaign=campaign,
                                 school=backend().school_name(campaign.uai), pupil=pupil,
                                 errors=errors, identity=identity, ask_identity=True), status


# --- « Se connecter » and the new password ---------------------------------------------------

@blueprint.route("/connexion", methods=["GET", "POST"])
def login() -> Any:
    errors, username = FormErrors(), flask.request.args.get("identifiant", "")
    campaign_code = flask.request.values.get("campagne", "")
    if flask.request.method == "POST":
        valid, _ = form_valid("login")
        if not valid:
            return refused_form()
        username = flask.request.form.get("identifiant", "").strip()
        password = flask.request.form.get("mot_de_passe", "")
        if not username:
            errors.add("identifiant", inscrire.describe("INVALID_CREDENTIALS", "fr"))
        elif not password:
            errors.add("mot_de_passe", inscrire.describe("PASSWORD_REQUIRED", "fr"))
        else:
            try:
                result = backend().login(username, password, client_key())
            except inscrire.Error as error:
                errors.add(None, french(error))
            else:
                if result.password_change_required:
                    return _new_password_page(result.username, result.change_token,
                                              campaign_code, FormErrors())
                return logged_in(_after_login(result.session_token, campaign_code), result)
    return flask.render_template("login.html", errors=errors, username=username,
                                 campaign_code=campaign_code), 400 if errors else 200


def _after_login(token: str, campaign_code: str) -> flask.Response:
    """Back to the campaign the pupil came from (joined now if needed), or « Mes campagnes »."""
    if campaign_code:
        try:
            registration = backend().join_campaign(token, campaign_code)
            return flask.redirect(
                flask.url_for("pupil.campaign", code=registration.campaign.code), 303)
        except inscrire.Error:
            pass  # not joinable as is: the list shows what the pupil has
    return flask.redirect(flask.url_for("pupil.my_campaigns"), 303)


def _new_password_page(username: str, change_token: str, campaign_code: str,
                       errors: FormErrors) -> Any:
    # The library's one-time change token stays on the server, as the payload of this form.
    payload = {"username": username, "change_token": change_token, "campaign": campaign_code}
    status = 400 if errors else 200
    return flask.render_template("new_password.html", username=username, payload=payload,
                                 rule=password_rule(), errors=errors), status


@blueprint.post("/nouveau-mot-de-passe")
def new_password() -> Any:
    valid, payload = form_valid("new_password")
    if not valid:
        return refused_form()
    password = flask.request.form.get("mot_de_passe", "")
    confirmation = flask.request.form.get("confirmation", "")
    errors = FormErrors()
    if not password:
        errors.add("mot_de_passe", inscrire.describe("PASSWORD_REQUIRED", "fr"))
    elif password != confirmation:
        errors.add("confirmation", "Les deux mots de passe ne sont pas identiques.")
    else:
        try:
            backend().change_password_with_token(payload["change_token"], password)
        except inscrire.Error as error:
            if error.code == "INVALID_TOKEN":
                return flask.make_response(flask.render_template(
                    "error.html", title="Lien expiré", message=french(error),
                    back=flask.url_for("pupil.login")), 400)
            errors.add("mot_de_passe", french(error))
        else:
            result = backend().login(payload["username"], password, client_key())
            return logged_in(_after_login(result.session_token, payload["campaign"]), result)
    return _new_password_page(payload["username"], payload["change_token"], payload["campaign"],
                              errors)


@blueprint.post("/deconnexion")
def logout() -> Any:
    valid, _ = form_valid("logout")
    if not valid:
        return refused_form()
    backend().logout(session_token())
    response = flask.redirect(flask.url_for("pupil.home"), 303)
    clear_cookie(response, SESSION_COOKIE)
    return response


# --- « Mes campagnes » and the campaign -----------------------------------------------------

@blueprint.get("/mes-campagnes")
def my_campaigns() -> Any:
    pupil = current_pupil()
    if pupil is None:
        return to_login()
    participations = backend().participations(session_token())
    return flask.render_template("my_campaigns.html", pupil=pupil,
                                 participations=participations)


def _participation(code: str) -> Any:
    participations = backend().participations(session_token())
    return next((p for p in participations if p.code == code), None)


@blueprint.get("/campagne/<code>")
def campaign(code: str) -> Any:
    pupil = current_pupil()
    if pupil is None:
        return to_login()
    participation = _participation(code)
    if participation is None:
        flask.abort(404)
    return flask.render_template("campaign.html", pupil=pupil, code=code,
                                 participation=participation,
                                 new_account=flask.request.args.get("nouveau") == "1")


@blueprint.post("/campagne/<code>/terminer")
def complete(code: str) -> Any:
    return _advance(code, "complete", backend().complete_participation)


@blueprint.post("/campagne/<code>/envoyer")
def share(code: str) -> Any:
    return _advance(code, "share", backend().share_participation)


def _advance(code: str, form: str, step: Any) -> Any:
    valid, _ = form_valid(form)
    if not valid:
        return refused_form()
    if current_pupil() is None:
        return to_login()
    try:
        step(session_token(), code)
    except inscrire.Error as error:
        return flask.make_response(flask.render_template(
            "error.html", title="Action impossible", message=french(error),
            back=flask.url_for("pupil.my_campaigns")), 400)
    return flask.redirect(flask.url_for("pupil.campaign", code=code), 303)
