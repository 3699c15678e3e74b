"""The pupil's pages: the seed procedure's steps 3 to 6 and its "Fin" (docs/web.md).

    /                       « Saisir mon code » and « Se connecter »
    /code                   the code page (case, spaces and hyphens ignored by the library)
    /c/CODE                 « Je m'inscris » for that campaign (the class sheet's link and QR)
    /c/CODE/mot-de-passe    the username page: « Ton identifiant », the password, then start
    /c/CODE/rejoindre       a logged-in pupil joins another campaign
    /connexion              « Se connecter »; a temporary password leads to
    /nouveau-mot-de-passe   « Choisir un nouveau mot de passe »
    /mes-campagnes          the pupil's participations, « Reprendre »
    /campagne/CODE          the campaign (the platform's activity), « J'ai terminé »,
                            « Envoyer mes résultats »
    /deconnexion            ends the session

Pupils read « tu » (wording.py). A refused or expired form shows the same form again with what
was typed, never a password, and one sentence saying to press the button again.
"""

from __future__ import annotations

from typing import Callable, Dict, Optional, Tuple

import flask

import inscrire

from . import security, wording
from .pages import (FormErrors, Pupil, backend, clear_cookie, client_key, config,
                    current_pupil, form_ok, redirect, render, secret_field, set_cookie,
                    set_pupil_cookie, text)

blueprint = flask.Blueprint("pupil", __name__)

BIRTHDATE_CODES = {"BIRTHDATE_REQUIRED", "INVALID_BIRTHDATE_FORMAT", "INVALID_BIRTHDATE",
                   "BIRTHDATE_IN_FUTURE", "BIRTHDATE_TOO_OLD"}
NAME_FIELDS = (("prenom", "first_name", "ton prénom"), ("nom", "last_name", "ton nom"))
#: The library's one-time password-change token waits in a cookie this long, never in a page.
CHANGE_COOKIE_SECONDS = 15 * 60
CHANGE_PATH = "/nouveau-mot-de-passe"

Identity = Dict[str, str]


def _identity() -> Identity:
    return {"first_name": text("prenom", 100), "last_name": text("nom", 100),
            "birthdate": text("naissance", 20)}


def _name_error(subject: str, code: str) -> str:
    if code == "NAME_REQUIRED":
        return f"Écris {subject}."
    if code in ("FIELD_TOO_LONG", "NAME_TOO_LONG"):
        return f"{subject.capitalize()} est trop long."
    return f"{subject.capitalize()} contient des caractères qui ne sont pas acceptés."


def _check_identity(identity: Identity, errors: FormErrors) -> None:
    """Every field checked with the library's own rules before the match, so that the page
    shows all the fields to correct at once, each with its own sentence."""
    for field, key, subject in NAME_FIELDS:
        try:
            inscrire.validate_name(identity[key])
        except inscrire.InvalidInput as error:
            errors.add(field, _name_error(subject, error.code))
    try:
        inscrire.parse_birthdate(identity["birthdate"])
    except inscrire.InvalidInput as error:
        errors.add("naissance", wording.pupil_message(error.code))


def _add_error(error: inscrire.Error, errors: FormErrors) -> None:
    if error.code in BIRTHDATE_CODES:
        errors.add("naissance", wording.pupil_message(error.code))
    elif error.code.startswith("PASSWORD"):
        errors.add("mot_de_passe", wording.pupil_error(error))
    else:
        # A wrong birth date and a wrong name are one sentence, on no field: which of them
        # matched nobody is not said (docs/web.md [v4]).
        errors.add(None, wording.pupil_error(error))


def _to_login(notice: Optional[str] = None) -> flask.Response:
    """The session ended (logout elsewhere, expiry, a password reset, idle): log in again."""
    if flask.g.get("idle_logout"):
        notice = "inactivite"
    response = redirect("pupil.login", fin=notice) if notice else redirect("pupil.login")
    if flask.request.cookies.get(security.SESSION_COOKIE):
        clear_cookie(response, security.SESSION_COOKIE)
    return response


def _logged_in(response: flask.Response, token: Optional[str]) -> flask.Response:
    if token:
        set_pupil_cookie(response, token)
    return response


# --- home and code --------------------------------------------------------------------------

@blueprint.get("/")
def home() -> flask.Response:
    return render("home.html")


@blueprint.route("/code", methods=["GET", "POST"])
def code_page() -> flask.Response:
    errors, code = FormErrors(), ""
    if flask.request.method == "POST":
        code = text("code", 64)
        if not form_ok("code"):
            errors.add(None, wording.FORM_EXPIRED_PUPIL)
        elif not code:
            errors.add("code", "Écris le code donné par ton professeur.")
        else:
            try:
                campaign = backend().find_campaign(code, client_key())
            except inscrire.DatabaseError:
                raise  # the 503 page (app.py)
            except inscrire.Error as error:
                errors.add("code", wording.pupil_error(error))
            else:
                return redirect("pupil.signup", code=campaign.code)
    return render("code.html", 400 if errors else 200, errors=errors, code=code)


# --- « Je m'inscris » -----------------------------------------------------------------------

def _open_campaign(code: str) -> "inscrire.Campaign | flask.Response":
    """The campaign of a sign-up link, or the page a pupil understands."""
    try:
        return backend().find_campaign(code, client_key())
    except inscrire.DatabaseError:
        raise  # the 503 page (app.py)
    except inscrire.Error as error:
        return render("error.html", 404, title="Campagne indisponible",
                      message=wording.pupil_error(error),
                      back=flask.url_for("pupil.code_page"))


@blueprint.route("/c/<code>", methods=["GET", "POST"])
def signup(code: str) -> flask.Response:
    campaign = _open_campaign(code)
    if isinstance(campaign, flask.Response):
        return campaign
    if campaign.code != code:  # /c/abc-def234 → /c/ABCDEF234
        response = flask.redirect(flask.url_for("pupil.signup", code=campaign.code), 301)
        assert isinstance(response, flask.Response)
        return response
    errors, identity = FormErrors(), {}
    if flask.request.method == "POST":
        identity = _identity()
        if not form_ok("signup"):
            errors.add(None, wording.FORM_EXPIRED_PUPIL)
        else:
            _check_identity(identity, errors)
            if not errors:
                found = _match(campaign.code, identity, errors)
                if found is not None:
                    return found
    return render("signup.html", 400 if errors else 200, campaign=campaign, errors=errors,
                  identity=identity)


def _match(code: str, identity: Identity, errors: FormErrors) -> Optional[flask.Response]:
    """Step 4: who the pupil is. Returns the next page, or None with ``errors`` filled."""
    try:
        report = backend().match(code, identity["first_name"], identity["last_name"],
                                 identity["birthdate"], client_key())
    except inscrire.DatabaseError:
        raise  # the 503 page (app.py)
    except inscrire.Error as error:
        _add_error(error, errors)
        return None
    if report.matched:
        return _username_page(code, identity, report, FormErrors())
    if report.username_hint:  # already registered: the masked hint and « Se connecter »
        return render("already.html", code=code, hint=report.username_hint,
                      message=wording.pupil_message(report.error or "LEARNER_ALREADY_LINKED"))
    errors.add(None, wording.pupil_message(report.error or "NO_NAME_MATCH"))
    return None


def _username_page(code: str, identity: Identity, report: inscrire.MatchReport,
                   errors: FormErrors, status: int = 200) -> flask.Response:
    """The username registration will give. When its DDMM form is taken (twins, namesakes,
    a dissociated learner), the library draws a free suffix at random at registration, not the
    one of this preview: the page then announces the stem only, and the campaign page shows
    the name once the account exists (docs/web.md)."""
    username = report.username or ""
    birthdate = inscrire.parse_birthdate(identity["birthdate"])
    settled = username.endswith(birthdate.strftime("%d%m"))
    return render("username.html", status, code=code, identity=identity,
                  username=username if settled else None, stem=username[:-4],
                  learner=report.learner, rule=wording.PUPIL_PASSWORD_RULE, errors=errors,
                  other_division=_other_division(code, report))


def _other_division(code: str, report: inscrire.MatchReport) -> Optional[str]:
    """The campaign's class when the pupil belongs to another one (another class's code: the
    page warns before the pupil goes on), else None."""
    if not report.other_division:
        return None
    return backend().find_campaign(code, client_key()).division or None


@blueprint.post("/c/<code>/mot-de-passe")
def choose_password(code: str) -> flask.Response:
    """Step 5: the pupil sets a password; the account is created, linked and the campaign
    starts (step 6), all in the library's one transaction."""
    identity = _identity()
    password, confirmation = secret_field("mot_de_passe"), secret_field("confirmation")
    errors = FormErrors()
    if not form_ok("register"):
        errors.add(None, wording.FORM_EXPIRED_PUPIL)
    elif not password:
        errors.add("mot_de_passe", wording.pupil_message("PASSWORD_REQUIRED"))
    elif password != confirmation:
        errors.add("confirmation", wording.PASSWORDS_DIFFER)
    else:
        try:
            registration = backend().register(code, identity["first_name"],
                                              identity["last_name"], identity["birthdate"],
                                              password, client_key())
        except inscrire.AlreadyRegistered as error:
            return render("already.html", code=code, hint=error.username_hint,
                          message=wording.pupil_message(error.code))
        except inscrire.DatabaseError:
            raise  # the 503 page (app.py)
        except inscrire.Error as error:
            _add_error(error, errors)
        else:
            result = backend().login(registration.username, password, client_key())
            response = redirect("pupil.campaign", code=registration.campaign.code, nouveau=1)
            return _logged_in(response, result.session_token)
    # The username page again: what the library proposes now (the identity is the pupil's
    # own, from the hidden fields), with the error and the password fields empty.
    try:
        report = backend().match(code, identity["first_name"], identity["last_name"],
                                 identity["birthdate"], client_key())
    except inscrire.DatabaseError:
        raise  # the 503 page (app.py)
    except inscrire.Error:
        report = None
    if report is None or not report.matched:
        return render("signup.html", 400, campaign=backend().find_campaign(code, client_key()),
                      errors=errors, identity=identity)
    return _username_page(code, identity, report, errors, 400)


@blueprint.post("/c/<code>/rejoindre")
def join(code: str) -> flask.Response:
    """A logged-in pupil joins this campaign with their account (no second account)."""
    pupil = current_pupil()
    if pupil is None:
        return _to_login()
    with_identity = "prenom" in flask.request.form
    identity, errors = (_identity() if with_identity else {}), FormErrors()
    if not form_ok("join"):
        errors.add(None, wording.FORM_EXPIRED_PUPIL)
        return _join_page(code, identity, errors, ask_identity=with_identity)
    try:
        if with_identity:
            _check_identity(identity, errors)
            if errors:
                return _join_page(code, identity, errors, ask_identity=True)
            registration = backend().join_campaign_as(
                pupil.token, code, identity["first_name"], identity["last_name"],
                identity["birthdate"], client_key())
        else:
            registration = backend().join_campaign(pupil.token, code)
    except inscrire.DatabaseError:
        raise  # the 503 page (app.py)
    except inscrire.Error as error:
        if error.code == "LEARNER_NOT_FOUND" and not with_identity:
            # Not linked in this school yet (a pupil who changed school): who are you there?
            return _join_page(code, {}, FormErrors(), ask_identity=True, status=200)
        if with_identity and isinstance(error, (inscrire.MatchRefused, inscrire.InvalidInput)):
            _add_error(error, errors)
            return _join_page(code, identity, errors, ask_identity=True)
        return render("error.html", 400, title="Impossible de rejoindre la campagne",
                      message=wording.pupil_error(error),
                      back=flask.url_for("pupil.my_campaigns"))
    if registration.other_division:  # another class's code: the campaign page says so
        return redirect("pupil.campaign", code=registration.campaign.code, autre_classe=1)
    return redirect("pupil.campaign", code=registration.campaign.code)


def _join_page(code: str, identity: Identity, errors: FormErrors, ask_identity: bool,
               status: int = 400) -> flask.Response:
    campaign = _open_campaign(code)
    if isinstance(campaign, flask.Response):
        return campaign
    return render("signup.html", status, campaign=campaign, errors=errors, identity=identity,
                  ask_identity=ask_identity)


# --- « Se connecter » and the new password ---------------------------------------------------

@blueprint.route("/connexion", methods=["GET", "POST"])
def login() -> flask.Response:
    errors = FormErrors()
    username = flask.request.args.get("identifiant", "")[:64]
    campaign_code = flask.request.values.get("campagne", "")[:64]
    notice = None
    if flask.request.args.get("fin") == "inactivite" or flask.g.get("idle_logout"):
        notice = wording.IDLE_LOGOUT.format(
            minutes=config().pupil_idle_minutes)
    if flask.request.method == "POST":
        username = text("identifiant", 64)
        password = secret_field("mot_de_passe")
        if not form_ok("login"):
            errors.add(None, wording.FORM_EXPIRED_PUPIL)
        elif not username:
            errors.add("identifiant", "Écris ton identifiant.")
        elif not password:
            errors.add("mot_de_passe", "Écris ton mot de passe.")
        else:
            try:
                result = backend().login(username, password, client_key())
            except inscrire.DatabaseError:
                raise  # the 503 page (app.py)
            except inscrire.Error as error:
                errors.add(None, wording.pupil_error(error))
            else:
                if result.password_change_required and result.change_token:
                    page = _new_password_page(result.username, campaign_code, FormErrors())
                    set_cookie(page, security.CHANGE_COOKIE, result.change_token,
                               max_age=CHANGE_COOKIE_SECONDS, path=CHANGE_PATH)
                    return page
                return _logged_in(_after_login(result.session_token or "", campaign_code),
                                  result.session_token)
    return render("login.html", 400 if errors else 200, errors=errors, username=username,
                  campaign_code=campaign_code, notice=notice)


def _after_login(token: str, campaign_code: str) -> flask.Response:
    """Back to the campaign the pupil came from (joined now if needed), or « Mes campagnes »."""
    if campaign_code:
        try:
            registration = backend().join_campaign(token, campaign_code)
            return redirect("pupil.campaign", code=registration.campaign.code)
        except inscrire.DatabaseError:
            raise  # the 503 page (app.py)
        except inscrire.Error:
            pass  # not joinable as is: the list shows what the pupil has
    return redirect("pupil.my_campaigns")


def _new_password_page(username: str, campaign_code: str, errors: FormErrors,
                       status: int = 200) -> flask.Response:
    return render("new_password.html", status, username=username, campaign_code=campaign_code,
                  rule=wording.PUPIL_PASSWORD_RULE, errors=errors)


@blueprint.post(CHANGE_PATH)
def new_password() -> flask.Response:
    username, campaign_code = text("username", 64), text("campagne", 64)
    password, confirmation = secret_field("mot_de_passe"), secret_field("confirmation")
    change_token = flask.request.cookies.get(security.CHANGE_COOKIE, "")
    errors = FormErrors()
    if not change_token:
        return render("error.html", 400, title="Page expirée",
                      message=wording.pupil_message("INVALID_TOKEN"),
                      back=flask.url_for("pupil.login"))
    if not form_ok("new_password"):
        errors.add(None, wording.FORM_EXPIRED_PUPIL)
    elif not password:
        errors.add("mot_de_passe", wording.pupil_message("PASSWORD_REQUIRED"))
    elif password != confirmation:
        errors.add("confirmation", wording.PASSWORDS_DIFFER)
    else:
        try:
            backend().change_password_with_token(change_token, password)
        except inscrire.DatabaseError:
            raise  # the 503 page (app.py)
        except inscrire.Error as error:
            if error.code == "INVALID_TOKEN":
                page = render("error.html", 400, title="Page expirée",
                              message=wording.pupil_message(error.code),
                              back=flask.url_for("pupil.login"))
                clear_cookie(page, security.CHANGE_COOKIE, path=CHANGE_PATH)
                return page
            _add_error(error, errors)
        else:
            try:
                result = backend().login(username, password, client_key())
            except inscrire.DatabaseError:
                raise  # the 503 page (app.py)
            except inscrire.Error:
                response = redirect("pupil.login")
            else:
                response = _logged_in(_after_login(result.session_token or "", campaign_code),
                                      result.session_token)
            clear_cookie(response, security.CHANGE_COOKIE, path=CHANGE_PATH)
            return response
    return _new_password_page(username, campaign_code, errors, 400)


@blueprint.route("/deconnexion", methods=["GET", "POST"])
def logout() -> flask.Response:
    if flask.request.method == "GET" or not form_ok("logout"):
        # A logout form that expired: the same button again, with the sentence.
        errors = FormErrors()
        if flask.request.method == "POST":
            errors.add(None, wording.FORM_EXPIRED_PUPIL)
        return render("logout.html", 400 if errors else 200, errors=errors)
    pupil = current_pupil()
    if pupil is not None:
        backend().logout(pupil.token)
    response = redirect("pupil.home")
    clear_cookie(response, security.SESSION_COOKIE)
    flask.g.pupil = None
    return response


# --- « Mes campagnes » and the campaign -----------------------------------------------------

@blueprint.get("/mes-campagnes")
def my_campaigns() -> flask.Response:
    pupil = current_pupil()
    if pupil is None:
        return _to_login()
    return render("my_campaigns.html", participations=backend().participations(pupil.token))


def _campaign_page(pupil: Pupil, code: str, notice: Optional[str] = None,
                   status: int = 200) -> flask.Response:
    participation = next((p for p in backend().participations(pupil.token) if p.code == code),
                         None)
    if participation is None:
        flask.abort(404)
    return render("campaign.html", status, code=code, participation=participation,
                  new_account=flask.request.args.get("nouveau") == "1", notice=notice,
                  other_division=_joined_other_division(pupil, participation))


def _joined_other_division(pupil: Pupil,
                           participation: inscrire.Participation) -> Optional[Tuple[str, str]]:
    """(the campaign's class, the pupil's) after « Rejoindre » on another class's code
    (?autre_classe=1), read again here: the address only asks for the check. The code is that
    of one of the pupil's own participations, not one typed: no look-up for the code throttle
    to count (a throttled address still sees its page), and a campaign closed since warns no
    more."""
    if flask.request.args.get("autre_classe") != "1":
        return None
    try:
        division = backend().find_campaign(participation.code, "").division  # no client key
    except (inscrire.NotFound, inscrire.CampaignClosed):
        return None
    own = next((learner.division for learner in pupil.session.learners
                if learner.uai == participation.uai), "")
    return (division, own) if division and division != own else None


@blueprint.get("/campagne/<code>")
def campaign(code: str) -> flask.Response:
    pupil = current_pupil()
    if pupil is None:
        return _to_login()
    return _campaign_page(pupil, code)


@blueprint.post("/campagne/<code>/terminer")
def complete(code: str) -> flask.Response:
    return _advance(code, "complete", backend().complete_participation)


@blueprint.post("/campagne/<code>/envoyer")
def share(code: str) -> flask.Response:
    return _advance(code, "share", backend().share_participation)


def _advance(code: str, form: str, step: Callable[[str, str], None]) -> flask.Response:
    pupil = current_pupil()
    if pupil is None:
        return _to_login()
    if not form_ok(form):
        return _campaign_page(pupil, code, wording.FORM_EXPIRED_PUPIL, 400)
    try:
        step(pupil.token, code)
    except inscrire.DatabaseError:
        raise  # the 503 page (app.py)
    except inscrire.Error as error:
        return _campaign_page(pupil, code, wording.pupil_error(error), 400)
    return redirect("pupil.campaign", code=code)
