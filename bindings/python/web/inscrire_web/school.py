"""A school's pages for its staff (docs/web.md, "Staff pages"). Every URL names the school, and
the campaign when there is one; every page acts through the library as the logged-in staff
member, and whatever the library refuses (another school, one that does not exist, what the
role does not allow) is the same « Accès refusé » page (pages.denied).

    /admin/e/UAI                               campaigns (deleted ones too with
                                               ?supprimees=oui), « Créer une campagne », import
                                               (ADMIN), a class's credentials
    /admin/e/UAI/import                        SIECLE or CSV file → the report
    /admin/e/UAI/campagnes                     POST: create a campaign
    /admin/e/UAI/campagnes/CODE                participants, who has not joined
    /admin/e/UAI/campagnes/CODE/archiver       GET: the confirmation; POST: archive
    /admin/e/UAI/campagnes/CODE/supprimer      GET: the confirmation; POST: delete
    /admin/e/UAI/campagnes/CODE/desarchiver    POST
    /admin/e/UAI/campagnes/CODE/renommer       POST: rename (the code stays)
    /admin/e/UAI/campagnes/CODE/participation  POST: the confirmation, then « Supprimer la
                                               participation » of a pupil from another class
    /admin/e/UAI/campagnes/CODE/fiche          the printable class sheet (link and QR code)
    /admin/e/UAI/campagnes/CODE/participants.csv
    /admin/e/UAI/eleves                        learners and accounts (?recherche=, ?classe=,
                                               ?etat=, ?page=); POST: a row's action,
                                               confirmed first for a reset and a dissociation
    /admin/e/UAI/identifiants                  POST: a class's credentials, as a CSV or as the
                                               printable slips (« Imprimer les fiches »)
"""

from __future__ import annotations

import os
import tempfile
from typing import Any, Callable, Dict, Optional

import flask

import inscrire

from . import wording
from .backend import participants_csv
from .pages import (FormErrors, actor, backend, denied, form_ok, leave_to_app, public_base_url,
                    redirect, render, staff, staff_required, style_hashes, text)

blueprint = flask.Blueprint("school", __name__)
PAGE_SIZE = 50


def school_of(uai: str) -> inscrire.Organization:
    """The school of the URL among the staff member's; call it after a library call on
    ``uai`` (which refuses another school and audits the refusal): the name for the page."""
    for school in backend().schools(actor()):
        if school.uai == uai:
            return school
    raise inscrire.Forbidden("FORBIDDEN")


def _context(uai: str, **context: Any) -> Dict[str, Any]:
    me = staff()
    return {"school": school_of(uai), "role": me.role_in(uai), "is_admin": me.is_admin(uai),
            **context}


def _can_manage(uai: str, campaign: inscrire.Campaign) -> bool:
    """Whether the page offers rename, archive and delete: the campaign's owner and ADMINs
    (the library decides anyway)."""
    me = staff()
    return me.is_admin(uai) or campaign.owner == me.username


def _refused(error: inscrire.Error, back: str) -> flask.Response:
    """The page of an action the library refused for a reason the member can act on (not
    FORBIDDEN, not a lost database: those have pages of their own), with the way back."""
    return render("error.html", 400, title="Action refusée", message=wording.staff_error(error),
                  back=back)


# --- the school's home ----------------------------------------------------------------------

@blueprint.get("/e/<uai>")
@staff_required
def school(uai: str) -> flask.Response:
    return _school_page(uai, FormErrors(), {})


def _school_page(uai: str, errors: FormErrors, values: Dict[str, str],
                 status: int = 200) -> flask.Response:
    with_deleted = flask.request.args.get("supprimees") == "oui"
    campaigns = backend().campaigns(uai, actor(), include_deleted=with_deleted)
    return render("admin/school.html", status,
                  **_context(uai, campaigns=campaigns, divisions=backend().divisions(uai, actor()),
                             errors=errors, values=values, with_deleted=with_deleted))


@blueprint.post("/e/<uai>/campagnes")
@staff_required
def create_campaign(uai: str) -> flask.Response:
    values = {"nom": text("nom"), "classe": text("classe", 50), "profil": text("profil")}
    errors = FormErrors()
    if not form_ok("campaign"):
        errors.add(None, wording.FORM_EXPIRED_STAFF)
        return _school_page(uai, errors, values, 400)
    try:
        campaign = backend().create_campaign(uai, values["nom"], values["classe"],
                                             values["profil"], actor())
    except inscrire.Error as error:
        leave_to_app(error)
        errors.add("campagne-nom", wording.staff_error(error))
        return _school_page(uai, errors, values, 400)
    return redirect("school.campaign", uai=uai, code=campaign.code)


@blueprint.post("/e/<uai>/import")
@staff_required
def import_roster(uai: str) -> flask.Response:
    errors = FormErrors()
    upload = flask.request.files.get("fichier")
    if not form_ok("import"):
        errors.add(None, wording.FORM_EXPIRED_STAFF + " Choisissez le fichier de nouveau.")
        return _school_page(uai, errors, {}, 400)
    if upload is None or not upload.filename:
        errors.add("fichier", "Choisissez le fichier SIECLE (XML ou ZIP) ou CSV à importer.")
        return _school_page(uai, errors, {}, 400)
    suffix = os.path.splitext(upload.filename)[1].lower()[:8]
    report: Optional[inscrire.ImportReport] = None
    refused: Optional[inscrire.ImportRefused] = None
    # The library reads a path: the upload goes to a private temporary file (the process runs
    # with umask 077), removed at once.
    with tempfile.NamedTemporaryFile(prefix="inscrire-import-", suffix=suffix) as file:
        upload.save(file)
        file.flush()
        try:
            report = backend().import_roster(uai, file.name, actor())
        except inscrire.ImportRefused as error:
            refused = error
    problems = refused.report.errors if refused and refused.report else (
        report.errors if report else ())
    return render("admin/import.html", 400 if refused else 200,
                  **_context(uai, report=report, refused=refused, problems=problems))


# --- campaigns ------------------------------------------------------------------------------

@blueprint.get("/e/<uai>/campagnes/<code>")
@staff_required
def campaign(uai: str, code: str) -> flask.Response:
    return _campaign_page(uai, code)


def _campaign_page(uai: str, code: str, notice: Optional[str] = None,
                   status: int = 200, errors: Optional[FormErrors] = None,
                   name: Optional[str] = None) -> flask.Response:
    found = backend().campaign(uai, code, actor())
    participants = backend().participants(found.code, actor())
    not_joined = [p for p in participants if p.status == "NOT_JOINED"]
    return render("admin/campaign.html", status,
                  **_context(uai, campaign=found, participants=participants,
                             not_joined=not_joined, can_manage=_can_manage(uai, found),
                             sign_up_link=f"{public_base_url()}/c/{found.code}",
                             notice=notice, errors=errors or FormErrors(),
                             name=found.name if name is None else name))


@blueprint.post("/e/<uai>/campagnes/<code>/renommer")
@staff_required
def rename_campaign(uai: str, code: str) -> flask.Response:
    """The owner or an ADMIN renames a campaign; its code, and so every printed sheet, stays."""
    found = backend().campaign(uai, code, actor())
    name = text("nom", 1000)
    errors = FormErrors()
    if not form_ok("campaign-rename"):
        errors.add(None, wording.FORM_EXPIRED_STAFF)
        return _campaign_page(uai, found.code, None, 400, errors, name)
    try:
        backend().rename_campaign(found.code, name, actor())
    except inscrire.Error as error:
        leave_to_app(error)
        errors.add("nom", wording.staff_error(error))
        return _campaign_page(uai, found.code, None, 400, errors, name)
    return redirect("school.campaign", uai=uai, code=found.code)


@blueprint.post("/e/<uai>/campagnes/<code>/participation")
@staff_required
def delete_participation(uai: str, code: str) -> flask.Response:
    """« Supprimer la participation » (the username in the body; the page offers it for the
    participants « Hors classe »): a confirmation page first, then the library deletes it
    (owner or ADMIN; audited) and the pupil can join their own class's campaign."""
    found = backend().campaign(uai, code, actor())
    confirmed = flask.request.form.get("confirme") == "oui"
    if not form_ok("participation-confirmed" if confirmed else "participation"):
        return _campaign_page(uai, found.code, wording.FORM_EXPIRED_STAFF, 400)
    username = text("identifiant", 100)
    participant = next((p for p in backend().participants(found.code, actor())
                        if username and p.username == username and p.status != "NOT_JOINED"),
                       None)
    if participant is None:
        return denied()
    if not confirmed:
        return render("admin/confirm_participation.html",
                      **_context(uai, campaign=found, participant=participant))
    try:
        row = backend().learner_of_account(uai, username, actor())
        backend().delete_participation(found.code, row.learner.ine, actor())
    except inscrire.Error as error:
        leave_to_app(error)
        return _refused(error, flask.url_for("school.campaign", uai=uai, code=found.code))
    return redirect("school.campaign", uai=uai, code=found.code)


#: The campaign actions: (form, library call, confirmed first).
CAMPAIGN_ACTIONS: Dict[str, Callable[[str, inscrire.Actor], None]] = {
    "archiver": lambda code, who: backend().archive_campaign(code, who),
    "desarchiver": lambda code, who: backend().unarchive_campaign(code, who),
    "supprimer": lambda code, who: backend().delete_campaign(code, who),
}
CONFIRMED = {"archiver", "supprimer"}


@blueprint.route("/e/<uai>/campagnes/<code>/<action>", methods=["GET", "POST"])
@staff_required
def campaign_action(uai: str, code: str, action: str) -> flask.Response:
    """Archive and delete are confirmed on a page of their own first (GET), unarchive acts at
    once; each POST acts through the library, which refuses a MEMBER who does not own the
    campaign."""
    if action not in CAMPAIGN_ACTIONS:
        flask.abort(404)
    found = backend().campaign(uai, code, actor())
    if flask.request.method == "GET":
        if action not in CONFIRMED:
            flask.abort(405)
        return render("admin/confirm_campaign.html", **_context(uai, campaign=found,
                                                                action=action))
    if not form_ok(f"campaign-{action}"):
        return _campaign_page(uai, found.code, wording.FORM_EXPIRED_STAFF, 400)
    try:
        CAMPAIGN_ACTIONS[action](found.code, actor())
    except inscrire.Error as error:
        leave_to_app(error)
        return _refused(error, flask.url_for("school.campaign", uai=uai, code=found.code))
    if action == "supprimer":
        return redirect("school.school", uai=uai)
    return redirect("school.campaign", uai=uai, code=found.code)


@blueprint.get("/e/<uai>/campagnes/<code>/fiche")
@staff_required
def class_sheet(uai: str, code: str) -> flask.Response:
    """The library's printable class sheet, as it made it (link and QR code included)."""
    found = backend().campaign(uai, code, actor())
    html = backend().class_sheet(found.code, f"{public_base_url()}/c/", actor())
    flask.g.style_hashes = style_hashes(html)
    return flask.Response(html, mimetype="text/html")


@blueprint.get("/e/<uai>/campagnes/<code>/participants.csv")
@staff_required
def participants(uai: str, code: str) -> flask.Response:
    found = backend().campaign(uai, code, actor())
    rows = backend().participants(found.code, actor())
    return _csv_download(participants_csv(rows), f"participants-{found.code}.csv")


def _csv_download(content: str, filename: str) -> flask.Response:
    response = flask.Response(content.encode("utf-8"), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- learners and accounts ------------------------------------------------------------------

def _filters() -> Dict[str, str]:
    """The list's filters, kept across pages and row actions; the search text is cut at 101
    characters so that the library, not this page, refuses one too long (FIELD_TOO_LONG)."""
    source = flask.request.form if flask.request.method == "POST" else flask.request.args
    return {"classe": source.get("classe", "")[:50], "etat": source.get("etat", "")[:30],
            "recherche": source.get("recherche", "").strip()[:101]}


@blueprint.get("/e/<uai>/eleves")
@staff_required
def learners(uai: str) -> flask.Response:
    return _learners_page(uai)


def _learners_page(uai: str, notice: Optional[str] = None, status: int = 200) -> flask.Response:
    filters = _filters()
    page = max(1, min(flask.request.args.get("page", 1, type=int) or 1, 10_000))
    errors = FormErrors()
    try:
        rows = backend().learners(uai, actor(), filters["classe"], filters["etat"] or None,
                                  PAGE_SIZE + 1, (page - 1) * PAGE_SIZE, filters["recherche"])
    except inscrire.InvalidInput as error:  # a search text over 100 characters
        errors.add("recherche", wording.staff_error(error))
        rows, status = [], 400
    return render("admin/learners.html", status,
                  **_context(uai, rows=rows[:PAGE_SIZE], has_next=len(rows) > PAGE_SIZE,
                             page=page, division=filters["classe"], state=filters["etat"],
                             search=filters["recherche"], errors=errors,
                             divisions=backend().divisions(uai, actor()), notice=notice))


#: Row actions, and whether they are confirmed on a page of their own first.
LEARNER_ACTIONS = {"reinitialiser": True, "dissocier": True, "debloquer": False}


@blueprint.post("/e/<uai>/eleves")
@staff_required
def learner_action(uai: str) -> flask.Response:
    """One row's button (the INE in the body, never in a URL): reset the password, unblock,
    dissociate. Reset and dissociate first show what they will do, with « Confirmer »."""
    action = flask.request.form.get("action", "")
    confirmed = flask.request.form.get("confirme") == "oui"
    if action not in LEARNER_ACTIONS:
        flask.abort(400)
    form = "learner-confirmed" if confirmed else "learner"
    if not form_ok(form):
        return _learners_page(uai, wording.FORM_EXPIRED_STAFF, 400)
    try:
        row = backend().learner(uai, text("ine", 20), actor())
    except inscrire.NotFound:
        # An INE of another school, or of nobody: the school's list does not hold it, and
        # the answer is the one for any other school's data (« Accès refusé »).
        return denied()
    filters = _filters()
    back = flask.url_for("school.learners", uai=uai, classe=filters["classe"] or None,
                         etat=filters["etat"] or None, recherche=filters["recherche"] or None)
    if LEARNER_ACTIONS[action] and not confirmed:
        return render("admin/confirm_learner.html",
                      **_context(uai, row=row, action=action, filters=filters, back=back))
    username = row.username or ""
    try:
        if action == "reinitialiser":
            temporary = backend().reset_password(uai, username, actor())
            return render("admin/temporary.html",
                          **_context(uai, row=row, temporary=temporary, back=back))
        if action == "debloquer":
            backend().unblock(uai, username, actor())
        else:
            backend().dissociate(uai, row.learner.ine, actor())
    except inscrire.Error as error:
        leave_to_app(error)
        return _refused(error, back)
    response = flask.redirect(back, 303)
    assert isinstance(response, flask.Response)
    return response


@blueprint.post("/e/<uai>/identifiants")
@staff_required
def credentials(uai: str) -> flask.Response:
    """Generates a class's credentials and answers them once: the CSV, or with « Imprimer les
    fiches » the library's slips page (eight or one a page). The passwords exist only in this
    response: nothing is kept, and every answer carries ``Cache-Control: no-store``
    (security.py), so any server of the deployment can answer."""
    slips = flask.request.form.get("format") == "fiches"
    per_page = 1 if flask.request.form.get("par_page") == "1" else 8
    if not form_ok("credentials"):
        errors = FormErrors()
        errors.add(None, wording.FORM_EXPIRED_STAFF)
        return _school_page(uai, errors, {}, 400)
    division = text("classe", 50)
    reset_existing = flask.request.form.get("reinitialiser") == "oui"
    try:
        generated = backend().credentials(uai, division, reset_existing, actor())
    except inscrire.Error as error:
        leave_to_app(error)
        return render("error.html", 400, title="Identifiants refusés",
                      message=wording.staff_error(error),
                      back=flask.url_for("school.school", uai=uai))
    if slips:
        html = generated.slips_html(f"{public_base_url()}/connexion", per_page)
        flask.g.style_hashes = style_hashes(html)
        return flask.Response(html, mimetype="text/html")
    safe_division = "".join(c for c in division if c.isalnum()) or "classe"
    return _csv_download(generated.csv(), f"identifiants-{safe_division}.csv")
