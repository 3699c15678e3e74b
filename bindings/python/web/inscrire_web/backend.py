"""Every call the web application makes into the library, in one place.

The pages (pupil.py, admin.py) never touch ``inscrire.Database`` directly: they call a
:class:`Backend`, which is also what another web stack would copy to embed the same flow
(docs/web.md, "Embedding"). The results are turned into small read-only views so that the
templates depend on this module only, not on the exact shape of the library's dataclasses.

One ``Database`` is shared by every waitress thread: docs/python.md, "Threads", says a handle
may be shared by any number of threads (the C++ Service is thread-safe, password hashing runs
outside its lock).
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any, List, Optional

import inscrire

# The account states of the learner list (docs/rules.md §7), in French for the pages.
STATE_LABELS = {
    "no_account": "Pas de compte",
    "active": "Compte actif",
    "must_change_password": "Doit changer son mot de passe",
    "blocked": "Bloqué",
    "disabled": "Sorti du registre",
}
# Participation statuses (docs/rules.md §1 and §7).
STATUS_LABELS = {
    "NOT_JOINED": "Pas encore rejoint",
    "STARTED": "Commencée",
    "TO_SHARE": "Terminée, résultats à envoyer",
    "SHARED": "Résultats envoyés",
}


@dataclasses.dataclass(frozen=True)
class PupilSession:
    """Who a session token belongs to (``authenticate``)."""

    username: str
    expires_at: Optional[str] = None


class _StatusLabel:
    """The French label of a participation's ``status`` (the views below)."""

    status: str

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


@dataclasses.dataclass(frozen=True)
class ParticipationView(_StatusLabel):
    code: str
    campaign: str
    school: str
    status: str
    started_at: Optional[str] = None
    completed_at: Optional[str] = None
    shared_at: Optional[str] = None


@dataclasses.dataclass(frozen=True)
class ParticipantView(_StatusLabel):
    division: str
    last_name: str
    first_name: str
    username: Optional[str]
    status: str
    started_at: Optional[str] = None
    shared_at: Optional[str] = None


@dataclasses.dataclass(frozen=True)
class LearnerView:
    ine: str
    first_name: str
    last_name: str
    birthdate: datetime.date
    division: str
    disabled: bool
    username: Optional[str]
    must_change_password: bool = False
    blocked: Optional[str] = None
    last_login_at: Optional[str] = None
    participations: int = 0
    state: str = "no_account"  # the library's (docs/rules.md §7): never worked out here

    @property
    def state_label(self) -> str:
        label = STATE_LABELS[self.state]
        if self.state == "blocked" and self.blocked == "temporary":
            return label + " (temporairement)"
        return label


@dataclasses.dataclass(frozen=True)
class CredentialsFile:
    """A class's credentials CSV and what generating it did."""

    csv: str
    created: Optional[int] = None
    reset: Optional[int] = None
    unchanged: Optional[int] = None


def _field(obj: Any, name: str, default: Any = None) -> Any:
    """An attribute of a library result, or a key of a dict-like one."""
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _school_time_zone() -> datetime.tzinfo:
    try:
        import zoneinfo
        return zoneinfo.ZoneInfo("Europe/Paris")
    except Exception:  # no tz database on the machine: UTC, said so on the page
        return datetime.timezone.utc


SCHOOL_TIME_ZONE = _school_time_zone()


def _text_time(value: Any) -> Optional[str]:
    """Times as the pages show them: day and minute, in France's time (the library gives Unix
    seconds, or ISO 8601 UTC text)."""
    if value is None or value == "" or value == 0:
        return None
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    if isinstance(value, (int, float)):
        value = datetime.datetime.fromtimestamp(value, datetime.timezone.utc)
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return value.astimezone(SCHOOL_TIME_ZONE).strftime("%d/%m/%Y %H:%M")
    return str(value)


def _block(value: Any) -> Optional[str]:
    """None, "temporary" or "permanent" (the library may say "none", or a bool)."""
    value = getattr(value, "value", value)
    if value in (None, False, "", "none", "NONE"):
        return None
    return str(value).lower() if isinstance(value, str) else "temporary"


class Backend:
    """The library calls of the web application, over one shared ``inscrire.Database``."""

    def __init__(self, db: inscrire.Database) -> None:
        self.db = db

    # --- schools and roster -------------------------------------------------------------

    def organizations(self) -> List[inscrire.Organization]:
        return sorted(self.db.organizations(), key=lambda o: (o.name, o.uai))

    def organization(self, uai: str) -> Optional[inscrire.Organization]:
        return next((o for o in self.db.organizations() if o.uai == uai), None)

    def create_organization(self, uai: str, name: str) -> inscrire.Organization:
        return self.db.create_organization(uai, name)

    def import_roster(self, uai: str, path: str) -> inscrire.ImportReport:
        return self.db.import_roster(uai, path)

    def divisions(self, uai: str) -> List[str]:
        return sorted({learner.division for learner in self.db.learners(uai) if learner.division})

    def learners(self, uai: str, division: Optional[str] = None, state: Optional[str] = None,
                 limit: Optional[int] = None, offset: int = 0) -> List[LearnerView]:
        """Roster rows with their account state, paged (docs/rules.md §7)."""
        rows = self.db.learners(uai, division or None, include_disabled=True,
                                state=state or None, limit=limit, offset=offset or None)
        return [self._learner_view(row) for row in rows]

    @staticmethod
    def _learner_view(row: Any) -> LearnerView:
        learner = _field(row, "learner") or row  # a roster row, or one with its account
        account = _field(row, "account")
        username = _field(account, "username") if account else _field(learner, "username")
        state = _field(row, "state")
        return LearnerView(
            ine=learner.ine, first_name=learner.first_name, last_name=learner.last_name,
            birthdate=learner.birthdate, division=learner.division or "",
            disabled=bool(_field(learner, "disabled", False)), username=username,
            must_change_password=bool(_field(account, "must_change_password", False)),
            blocked=_block(_field(account, "blocked")),
            last_login_at=_text_time(_field(account, "last_login_at")),
            participations=int(_field(account, "participations", 0) or 0),
            state=str(getattr(state, "value", state)))

    def learner(self, uai: str, ine: str) -> Optional[LearnerView]:
        try:
            return self._learner_view(self.db.learner(uai, ine))
        except inscrire.NotFound:
            return None

    # --- campaigns ------------------------------------------------------------------------

    def campaigns(self, uai: str) -> List[inscrire.Campaign]:
        """Active then archived; a deleted campaign is gone for the admin too (the library
        keeps it, marked deleted, and its code answers CAMPAIGN_DELETED)."""
        kept = [c for c in self.db.campaigns(uai) if c.status != "deleted"]
        return sorted(kept, key=lambda c: (c.status != "active", c.name))

    def create_campaign(self, uai: str, name: str, division: Optional[str],
                        target_profile: Optional[str]) -> inscrire.Campaign:
        return self.db.create_campaign(uai, name, division or None, target_profile or None)

    def find_campaign(self, code: str, client_key: Optional[str] = None) -> inscrire.Campaign:
        return self.db.find_campaign(code, client_key)

    def campaign_admin(self, code: str) -> inscrire.Campaign:
        """An admin looking at a campaign, archived or not: no pupil throttle."""
        return self.db.find_campaign(code)

    def school_name(self, uai: str) -> str:
        school = self.organization(uai)
        return school.name if school else uai

    def archive_campaign(self, code: str) -> None:
        self.db.archive_campaign(code)

    def unarchive_campaign(self, code: str) -> None:
        self.db.unarchive_campaign(code)

    def delete_campaign(self, code: str) -> None:
        self.db.delete_campaign(code)

    def class_sheet(self, code: str, base_url: Optional[str]) -> str:
        return self.db.class_sheet(code, base_url)

    def not_joined(self, code: str) -> List[inscrire.Learner]:
        return self.db.not_joined(code)

    def campaign_participants(self, code: str) -> List[ParticipantView]:
        """Every learner the campaign targets with their status."""
        rows = self.db.campaign_participants(code)
        rows = getattr(rows, "rows", rows)
        return [ParticipantView(
            division=_field(r, "division") or "", last_name=_field(r, "last_name"),
            first_name=_field(r, "first_name"), username=_field(r, "username"),
            status=str(getattr(_field(r, "status"), "value", _field(r, "status"))),
            started_at=_text_time(_field(r, "started_at")),
            shared_at=_text_time(_field(r, "shared_at"))) for r in rows]

    def participants_csv(self, code: str) -> str:
        """``Classe;Nom;Prénom;Identifiant;Statut;Commencé le;Partagé le`` (with a BOM)."""
        return self.db.participants_csv(code)

    # --- the pupil's flow -----------------------------------------------------------------

    def match(self, code: str, first_name: str, last_name: str, birthdate: str,
              client_key: str) -> inscrire.MatchReport:
        return self.db.match(code, first_name, last_name, birthdate, client_key)

    def register(self, code: str, first_name: str, last_name: str, birthdate: str,
                 password: str, client_key: str) -> inscrire.Registration:
        return self.db.register(code, first_name, last_name, birthdate, password, client_key)

    def login(self, username: str, password: str, client_key: str) -> inscrire.LoginResult:
        return self.db.login(username, password, client_key=client_key)

    def change_password_with_token(self, token: str, new_password: str) -> None:
        self.db.change_password_with_token(token, new_password)

    def authenticate(self, session_token: str) -> Optional[PupilSession]:
        """The session's pupil, or None for an unknown, ended or expired token."""
        if not session_token:
            return None
        try:
            session = self.db.authenticate(session_token)
        except inscrire.Error:
            return None
        return PupilSession(_field(session, "username"),
                            _text_time(_field(session, "expires_at")))

    def logout(self, session_token: str) -> None:
        try:
            self.db.logout(session_token)
        except inscrire.Error:
            pass  # already ended: the pupil is logged out either way

    def join_campaign(self, session_token: str, code: str, first_name: Optional[str] = None,
                      last_name: Optional[str] = None, birthdate: Optional[str] = None,
                      client_key: Optional[str] = None) -> inscrire.Registration:
        if first_name is None:
            return self.db.join_campaign(session_token, code)
        return self.db.join_campaign(session_token, code, first_name, last_name, birthdate,
                                     client_key)

    def participations(self, session_token: str) -> List[ParticipationView]:
        """The pupil's own participations."""
        return [ParticipationView(
            code=_field(p, "code"), campaign=_field(p, "campaign") or _field(p, "name") or "",
            school=_field(p, "school") or "",
            status=str(getattr(_field(p, "status"), "value", _field(p, "status"))),
            started_at=_text_time(_field(p, "started_at")),
            completed_at=_text_time(_field(p, "completed_at")),
            shared_at=_text_time(_field(p, "shared_at")))
            for p in self.db.participations(session_token)]

    def complete_participation(self, session_token: str, code: str) -> None:
        self.db.complete_participation(session_token, code)

    def share_participation(self, session_token: str, code: str) -> None:
        self.db.share_participation(session_token, code)

    # --- admin corrections ----------------------------------------------------------------

    def reset_password(self, uai: str, username: str) -> str:
        return self.db.reset_password(uai, username, actor="web-admin")

    def unblock(self, uai: str, username: str) -> None:
        self.db.unblock(uai, username, actor="web-admin")

    def dissociate(self, uai: str, ine: str) -> None:
        self.db.dissociate(uai, ine, actor="web-admin")

    def generate_credentials(self, uai: str, division: str,
                             reset_existing: bool = False) -> CredentialsFile:
        result = self.db.generate_credentials(uai, division, reset_existing=reset_existing,
                                              actor="web-admin")
        report = _field(result, "report")
        return CredentialsFile(result.csv(), _field(report, "created"), _field(report, "reset"),
                               _field(report, "unchanged"))
