"""The school's pages (docs/web.md, "Admin pages"), under /admin, behind the admins' shared
password (--admin-password-file; without it these pages answer 404).

    /admin/connexion                         the admin password
    /admin/                                  the schools, « Ajouter un établissement »
    /admin/e/UAI                             import, campaigns, classes
    /admin/e/UAI/import                      SIECLE or CSV file → the report
    /admin/e/UAI/eleves                      learners with account states; reset, unblock,
                                             dissociate
    /admin/e/UAI/identifiants                a class's credentials CSV (POST: it makes secrets)
    /admin/campagne/CODE                     participants, who has not joined, archive...
    /admin/campagne/CODE/fiche               the printable class sheet (link and QR code)
"""

from __future__ import annotations

import functools
import os
import tempfile
from typing import Any, Callable, Optional

import flask

import inscrire

from . import (FormErrors, backend, clear_cookie, client_key, form_valid, public_base_url,
               refused_form, set_cookie, style_hashes)
from .security import ADMIN_COOKIE

blueprint = flask.Blueprint("admin", __name__)
PAGE_SIZE = 50


def admin_message(error: inscrire.Error) -> str:
    """Admins read the library's French sentence with its detail (a field, a line)."""
    return error.message


def _admins() -> Any:
    return flask.current_app.extensions["inscrire"]["admins"]


def _password() -> Optional[Any]:
    return flask.current_app.extensions["inscrire"]["admin_password"]


@blueprint.before_request
def admin_pages_enabled() -> None:
    if _password() is None:
        flask.abort(404)


def admin_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def checked(*args: Any, **kwargs: Any) -> Any:
        if not _admins().valid(flask.request.cookies.get(ADMIN_COOKIE)):
            return flask.redirect(flask.url_for("admin.login"), 303)
        return view(*args, **kwargs)
    return checked


def _school_or_404(uai: str) -> inscrire.Organization:
    school = backend().organization(uai)
    if school is None:
        flask.abort(404)
    return school


def _campaign_or_404(code: str) -> inscrire.Campaign:
    try:
        return backend().campaign_admin(code)
    except inscrire.NotFound:
        flask.abort(404)
    except inscrire.CampaignClosed:
        # an archived campaign stays visible to admins; find it in its school's list
        for school in backend().organizations():
            for campaign in backend().campaigns(school.uai):
                if campaign.code == code:
                    return campaign
        flask.abort(404)


def _error_page(title: str, error: inscrire.Error, back: str) -> flask.Response:
    return flask.make_response(flask.render_template(
        "error.html", title=title, message=admin_message(error), back=back), 400)


# --- login ----------------------------------------------------------------------------------

@blueprint.route("/connexion", methods=["GET", "POST"])
def login() -> Any:
    errors = FormErrors()
    if flask.request.method == "POST":
        valid, _ = form_valid("admin_login")
        if not valid:
            return refused_form()
        key = client_key()
        if _admins().throttled(key):
            errors.add(None, inscrire.describe("TOO_MANY_ATTEMPTS", "fr"))
        elif _password().check(flask.request.form.get("mot_de_passe", "")):
            response = flask.redirect(flask.url_for("admin.home"), 303)
            set_cookie(response, ADMIN_COOKIE, _admins().open())
            return response
        else:
            _admins().record_failure(key)
            errors.add("mot_de_passe", "Mot de passe d'administration incorrect.")
    return flask.render_template("admin/login.html", errors=errors), 400 if errors else 200


@blueprint.post("/deconnexion")
@admin_required
def logout() -> Any:
    if not form_valid("admin_logout")[0]:
        return refused_form()
    _admins().close(flask.request.cookies.get(ADMIN_COOKIE))
    response = flask.redirect(flask.url_for("pupil.home"), 303)
    clear_cookie(response, ADMIN_COOKIE)
    return response


# --- schools --------------------------------------------------------------------------------

@blueprint.route("/", methods=["GET", "POST"])
@admin_required
def home() -> Any:
    errors, values = FormErrors(), {}
    if flask.request.method == "POST":
        if not form_valid("school")[0]:
            return refused_form()
        values = {"uai": flask.request.form.get("uai", "").strip().upper(),
                  "nom": flask.request.form.get("nom", "").strip()}
        try:
            school = backend().create_organization(values["uai"], values["nom"])
            return flask.redirect(flask.url_for("admin.school", uai=school.uai), 303)
        except inscrire.Error as error:
            field = "uai" if "UAI" in error.code or error.code == "ORGANIZATION_EXISTS" else "nom"
            errors.add(field, admin_message(error))
    return flask.render_template("admin/home.html", schools=backend().organizations(),
                                 errors=errors, values=values), 400 if errors else 200


@blueprint.get("/e/<uai>")
@admin_required
def school(uai: str) -> Any:
    organization = _school_or_404(uai)
    return _school_page(organization, FormErrors(), {})


def _school_page(organization: inscrire.Organization, errors: FormErrors, values: dict,
                 status: int = 200) -> Any:
    uai = organization.uai
    return flask.render_template(
        "admin/school.html", school=organization, campaigns=backend().campaigns(uai),
        divisions=backend().divisions(uai), errors=errors, values=values), status


@blueprint.post("/e/<uai>/campagnes")
@admin_required
def create_campaign(uai: str) -> Any:
    organization = _school_or_404(uai)
    if not form_valid("campaign")[0]:
        return refused_form()
    form = flask.request.form
    values = {"nom": form.get("nom", "").strip(), "classe": form.get("classe", "").strip(),
              "profil": form.get("profil", "").strip()}
    try:
        campaign = backend().create_campaign(uai, values["nom"], values["classe"],
                                             values["profil"])
    except inscrire.Error as error:
        errors = FormErrors()
        errors.add("campagne-nom", admin_message(error))
        return _school_page(organization, errors, values, 400)
    return flask.redirect(flask.url_for("admin.campaign", code=campaign.code), 303)


@blueprint.post("/e/<uai>/import")
@admin_required
def import_roster(uai: str) -> Any:
    organization = _school_or_404(uai)
    if not form_valid("import")[0]:
        return refused_form()
    upload = flask.request.files.get("fichier")
    if upload is None or not upload.filename:
        errors = FormErrors()
        errors.add("fichier", "Choisissez le fichier SIECLE (XML ou ZIP) ou CSV à importer.")
        return _school_page(organization, errors, {}, 400)
    suffix = os.path.splitext(upload.filename)[1].lower()[:8]
    report, refused = None, None
    # The library reads a path: the upload goes to a private temporary file, removed at once.
    with tempfile.NamedTemporaryFile(prefix="inscrire-import-", suffix=suffix) as file:
        upload.save(file)
        file.flush()
        try:
            report = backend().import_roster(uai, file.name)
        except inscrire.ImportRefused as error:
            refused = error
        except inscrire.Error as error:
            return _error_page("Import refusé", error, flask.url_for("admin.school", uai=uai))
    return flask.render_template("admin/import.html", school=organization, report=report,
                                 refused=refused,
                                 problems=(refused.report.errors if refused and refused.report
                                           else report.errors if report else ())), \
        400 if refused else 200


# --- campaigns ------------------------------------------------------------------------------

@blueprint.get("/campagne/<code>")
@admin_required
def campaign(code: str) -> Any:
    campaign = _campaign_or_404(code)
    participants = backend().campaign_participants(campaign.code)
    not_joined = [p for p in participants if p.status == "NOT_JOINED"]
    return flask.render_template(
        "admin/campaign.html", campaign=campaign, school=backend().organization(campaign.uai),
        participants=participants, not_joined=not_joined,
        sign_up_link=f"{public_base_url()}/c/{campaign.code}")


def _campaign_action(code: str, form: str, action: Callable[[str], Any]) -> Any:
    campaign = _campaign_or_404(code)
    if not form_valid(form)[0]:
        return refused_form()
    back = flask.url_for("admin.campaign", code=campaign.code)
    try:
        action(campaign.code)
    except inscrire.Error as error:
        return _error_page("Action refusée", error, back)
    if form == "delete":
        return flask.redirect(flask.url_for("admin.school", uai=campaign.uai), 303)
    return flask.redirect(back, 303)


@blueprint.post("/campagne/<code>/archiver")
@admin_required
def archive(code: str) -> Any:
    return _campaign_action(code, "archive", backend().archive_campaign)


@blueprint.post("/campagne/<code>/desarchiver")
@admin_required
def unarchive(code: str) -> Any:
    return _campaign_action(code, "unarchive", backend().unarchive_campaign)


@blueprint.post("/campagne/<code>/supprimer")
@admin_required
def delete(code: str) -> Any:
    return _campaign_action(code, "delete", backend().delete_campaign)


@blueprint.get("/campagne/<code>/fiche")
@admin_required
def class_sheet(code: str) -> Any:
    """The library's printable class sheet, as it made it (link and QR code included)."""
    campaign = _campaign_or_404(code)
    try:
        html = backend().class_sheet(campaign.code, f"{public_base_url()}/c/")
    except inscrire.Error as error:
        return _error_page("Fiche indisponible", error,
                           flask.url_for("admin.campaign", code=campaign.code))
    flask.g.style_hashes = style_hashes(html)
    return flask.Response(html, mimetype="text/html")


@blueprint.get("/campagne/<code>/participants.csv")
@admin_required
def participants_csv(code: str) -> Any:
    campaign = _campaign_or_404(code)
    return _csv_download(backend().participants_csv(campaign.code),
                         f"participants-{campaign.code}.csv")


def _csv_download(text: str, filename: str) -> flask.Response:
    response = flask.Response(text.encode("utf-8"), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- learners and accounts ------------------------------------------------------------------

@blueprint.get("/e/<uai>/eleves")
@admin_required
def learners(uai: str) -> Any:
    organization = _school_or_404(uai)
    division = flask.request.args.get("classe", "")
    state = flask.request.args.get("etat", "")
    page = max(1, flask.request.args.get("page", 1, type=int) or 1)
    rows = backend().learners(uai, division or None, state or None, PAGE_SIZE + 1,
                              (page - 1) * PAGE_SIZE)
    return flask.render_template(
        "admin/learners.html", school=organization, rows=rows[:PAGE_SIZE],
        has_next=len(rows) > PAGE_SIZE, page=page, division=division, state=state,
        divisions=backend().divisions(uai))


@blueprint.post("/e/<uai>/eleves")
@admin_required
def learner_action(uai: str) -> Any:
    """One row's button: reset the password, unblock, dissociate (the INE in the body)."""
    organization = _school_or_404(uai)
    if not form_valid("learner")[0]:
        return refused_form()
    action = flask.request.form.get("action", "")
    learner = backend().learner(uai, flask.request.form.get("ine", ""))
    back = flask.url_for("admin.learners", uai=uai, classe=flask.request.form.get("classe", ""),
                         etat=flask.request.form.get("etat", ""))
    if learner is None or (action != "dissocier" and not learner.username):
        flask.abort(404)
    try:
        if action == "reinitialiser":
            temporary = backend().reset_password(uai, learner.username)
            return flask.render_template("admin/temporary.html", school=organization,
                                         learner=learner, temporary=temporary, back=back)
        if action == "debloquer":
            backend().unblock(uai, learner.username)
        elif action == "dissocier":
            backend().dissociate(uai, learner.ine)
        else:
            flask.abort(400)
    except inscrire.Error as error:
        return _error_page("Action refusée", error, back)
    return flask.redirect(back, 303)


@blueprint.post("/e/<uai>/identifiants")
@admin_required
def credentials(uai: str) -> Any:
    _school_or_404(uai)
    if not form_valid("credentials")[0]:
        return refused_form()
    division = flask.request.form.get("classe", "")
    reset_existing = flask.request.form.get("reinitialiser") == "oui"
    try:
        generated = backend().generate_credentials(uai, division, reset_existing)
    except inscrire.Error as error:
        return _error_page("Identifiants refusés", error, flask.url_for("admin.school", uai=uai))
    safe_division = "".join(c for c in division if c.isalnum()) or "classe"
    return _csv_download(generated.csv, f"identifiants-{safe_division}.csv")
