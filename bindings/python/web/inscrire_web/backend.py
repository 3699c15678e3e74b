"""Every call the web application makes into the library, in one place.

The pages (pupil.py, school.py, staff.py) never touch ``inscrire.Database`` directly: they call
a :class:`Backend`, which is also what another web stack would copy to embed the same flow
(docs/web.md, "Embedding"). Every admin call takes the staff member's :class:`inscrire.Actor`:
the library, not this module, decides whether they may do it to this school, and answers
``inscrire.Forbidden`` otherwise (the pages show « Accès refusé »).

One ``Database`` is shared by every waitress thread: docs/python.md, "Threads".
"""

from __future__ import annotations

import dataclasses
import datetime
import zoneinfo
from typing import List, Optional, Sequence

import inscrire

from . import wording

#: Times are shown in France's time; the library gives aware datetimes in UTC.
SCHOOL_TIME_ZONE = zoneinfo.ZoneInfo("Europe/Paris")


def local_time(value: Optional[datetime.datetime]) -> str:
    """Day and minute in France's time, "" for a step not reached."""
    if value is None:
        return ""
    return value.astimezone(SCHOOL_TIME_ZONE).strftime("%d/%m/%Y %H:%M")


@dataclasses.dataclass(frozen=True)
class LearnerRow:
    """A row of the admin's learner list, as the template shows it."""

    learner: inscrire.Learner

    @property
    def state(self) -> str:
        return self.learner.state.value if self.learner.state else "no_account"

    @property
    def username(self) -> Optional[str]:
        return self.learner.account.username if self.learner.account else self.learner.username

    @property
    def blocked(self) -> bool:
        return bool(self.learner.account and self.learner.account.blocked)

    @property
    def state_label(self) -> str:
        text = wording.STATE_LABELS.get(self.state, self.state)
        account = self.learner.account
        if self.state == "blocked" and account is not None and account.blocked == "temporary":
            return text + " (temporairement)"
        return text

    @property
    def last_login(self) -> str:
        account = self.learner.account
        return local_time(account.last_login_at) if account else ""


class Backend:
    """The library calls of the web application, over one shared ``inscrire.Database``."""

    def __init__(self, db: inscrire.Database) -> None:
        self.db = db

    # --- staff: logins, sessions, invitations, second factor ------------------------------

    def staff_login(self, username: str, password: str, client_key: str,
                    totp: Optional[str]) -> inscrire.StaffLogin:
        return self.db.staff_login(username, password, client_key=client_key, totp=totp or None)

    def staff_session(self, token: str) -> Optional[inscrire.StaffSession]:
        """The live staff session of a cookie (each call counts as use), None once it ended."""
        if not token:
            return None
        try:
            return self.db.staff_authenticate(token)
        except inscrire.AuthenticationError:
            return None

    def staff_logout(self, token: str) -> None:
        try:
            self.db.staff_logout(token)
        except inscrire.AuthenticationError:
            pass  # already ended: logged out either way

    def accept_invitation(self, code: str, username: str, display_name: str, password: str,
                          client_key: str) -> inscrire.StaffLogin:
        return self.db.accept_staff_invitation(code, username, display_name, password,
                                               client_key=client_key)

    def accept_invitation_in_session(self, code: str, actor: inscrire.Actor,
                                     client_key: str) -> inscrire.StaffSession:
        return self.db.accept_staff_invitation(code, session=actor, client_key=client_key)

    def change_staff_password(self, username: str, old: str, new: str) -> None:
        self.db.change_staff_password(username, old, new)

    def change_staff_password_with_token(self, token: str, new: str) -> None:
        self.db.change_staff_password_with_token(token, new)

    def begin_second_factor(self, token: str) -> inscrire.SecondFactorEnrolment:
        return self.db.begin_second_factor(token)

    def confirm_second_factor(self, token: str, code: str) -> List[str]:
        return self.db.confirm_second_factor(token, code)

    # --- staff: the team and the audit log --------------------------------------------------

    def members(self, uai: str, actor: inscrire.Actor) -> List[inscrire.StaffMember]:
        return sorted(self.db.members(uai, actor=actor),
                      key=lambda m: (m.role != "ADMIN", m.display_name.lower(), m.username))

    def invitations(self, uai: str, actor: inscrire.Actor) -> List[inscrire.PendingInvitation]:
        return self.db.invitations(uai, actor=actor)

    def invite(self, uai: str, role: str, actor: inscrire.Actor) -> inscrire.StaffInvitation:
        return self.db.invite_staff(uai, role, actor=actor)

    def revoke_invitation(self, uai: str, invitation_id: int, actor: inscrire.Actor) -> None:
        self.db.revoke_staff_invitation(uai, invitation_id, actor=actor)

    def set_member_role(self, uai: str, username: str, role: str,
                        actor: inscrire.Actor) -> None:
        self.db.set_member_role(uai, username, role, actor=actor)

    def remove_member(self, uai: str, username: str, actor: inscrire.Actor) -> None:
        self.db.remove_member(uai, username, actor=actor)

    def reset_member_password(self, uai: str, username: str, actor: inscrire.Actor) -> str:
        return self.db.reset_staff_password(uai, username, actor=actor)

    def reset_member_second_factor(self, uai: str, username: str,
                                   actor: inscrire.Actor) -> None:
        self.db.reset_second_factor(uai, username, actor=actor)

    def audit_log(self, uai: str, actor: inscrire.Actor, action: Optional[str], limit: int,
                  offset: int) -> List[inscrire.AuditRow]:
        return self.db.audit_log(uai, actor=actor, action=action or None, limit=limit,
                                 offset=offset)

    # --- schools, rosters, campaigns --------------------------------------------------------

    def schools(self, actor: inscrire.Actor) -> List[inscrire.Organization]:
        """The schools the staff member belongs to."""
        return sorted(self.db.organizations(actor=actor), key=lambda o: (o.name, o.uai))

    def import_roster(self, uai: str, path: str, actor: inscrire.Actor) -> inscrire.ImportReport:
        return self.db.import_roster(uai, path, actor=actor)

    def campaigns(self, uai: str, actor: inscrire.Actor,
                  include_deleted: bool = False) -> List[inscrire.Campaign]:
        """Active, then archived, then (only when asked) deleted ones: the library keeps a
        deleted campaign, marked deleted, and its code answers CAMPAIGN_DELETED."""
        order = {"active": 0, "archived": 1}
        found = self.db.campaigns(uai, include_deleted=include_deleted, actor=actor)
        return sorted(found, key=lambda c: (order.get(c.status, 2), c.name))

    def campaign(self, uai: str, code: str, actor: inscrire.Actor) -> inscrire.Campaign:
        """A campaign of this school, archived or not, as its list gives it: a code of another
        school is refused like one that does not exist (Forbidden), even for someone who
        belongs to both, so that the URL always names the campaign's own school."""
        for campaign in self.campaigns(uai, actor):
            if campaign.code == code:
                return campaign
        raise inscrire.Forbidden("FORBIDDEN")

    def divisions(self, uai: str, actor: inscrire.Actor) -> List[str]:
        return sorted({learner.division
                       for learner in self.db.learners(uai, actor=actor) if learner.division})

    def create_campaign(self, uai: str, name: str, division: Optional[str],
                        target_profile: Optional[str],
                        actor: inscrire.Actor) -> inscrire.Campaign:
        return self.db.create_campaign(uai, name, division or None, target_profile or None,
                                       actor=actor)

    def rename_campaign(self, code: str, name: str, actor: inscrire.Actor) -> inscrire.Campaign:
        return self.db.update_campaign(code, name=name, actor=actor)

    def delete_participation(self, code: str, ine: str, actor: inscrire.Actor) -> None:
        self.db.delete_participation(code, ine, actor=actor)

    def archive_campaign(self, code: str, actor: inscrire.Actor) -> None:
        self.db.archive_campaign(code, actor=actor)

    def unarchive_campaign(self, code: str, actor: inscrire.Actor) -> None:
        self.db.unarchive_campaign(code, actor=actor)

    def delete_campaign(self, code: str, actor: inscrire.Actor) -> None:
        self.db.delete_campaign(code, actor=actor)

    def class_sheet(self, code: str, base_url: str, actor: inscrire.Actor) -> str:
        return self.db.class_sheet(code, base_url, actor=actor)

    def participants(self, code: str, actor: inscrire.Actor) -> List[inscrire.Participant]:
        """Every learner the campaign targets with their status."""
        return self.db.campaign_participants(code, actor=actor)

    # --- learners and accounts --------------------------------------------------------------

    def learners(self, uai: str, actor: inscrire.Actor, division: Optional[str],
                 state: Optional[str], limit: int, offset: int,
                 search: Optional[str] = None) -> List[LearnerRow]:
        """One page of the roster with the account states (docs/rules.md §7), only the
        learners ``search`` finds when given (names as matched, an INE or a username:
        docs/rules.md §10)."""
        rows = self.db.learners(uai, division or None, state=state or None,
                                search=search or None, limit=limit, offset=offset,
                                actor=actor)
        return [LearnerRow(row) for row in rows]

    def learner(self, uai: str, ine: str, actor: inscrire.Actor) -> LearnerRow:
        return LearnerRow(self.db.learner(uai, ine, actor=actor))

    def learner_of_account(self, uai: str, username: str,
                           actor: inscrire.Actor) -> LearnerRow:
        """The learner an account of the school is linked to: the search matches a username
        exactly (docs/rules.md §10). Raises NotFound when no learner of the school has it."""
        for row in self.learners(uai, actor, None, None, 10, 0, username):
            if row.username == username:
                return row
        raise inscrire.NotFound("LEARNER_NOT_FOUND")

    def reset_password(self, uai: str, username: str, actor: inscrire.Actor) -> str:
        return self.db.reset_password(uai, username, actor=actor)

    def unblock(self, uai: str, username: str, actor: inscrire.Actor) -> None:
        self.db.unblock(uai, username, actor=actor)

    def dissociate(self, uai: str, ine: str, actor: inscrire.Actor) -> None:
        self.db.dissociate(uai, ine, actor=actor)

    def credentials(self, uai: str, division: str, reset_existing: bool,
                    actor: inscrire.Actor) -> inscrire.Credentials:
        return self.db.generate_credentials(uai, division, reset_existing=reset_existing,
                                            actor=actor)

    # --- the pupil's flow -------------------------------------------------------------------

    def find_campaign(self, code: str, client_key: str) -> inscrire.Campaign:
        return self.db.find_campaign(code, client_key)

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

    def pupil_session(self, token: str) -> Optional[inscrire.Session]:
        """The session's pupil, or None for an unknown, ended or expired token."""
        if not token:
            return None
        try:
            return self.db.authenticate(token)
        except inscrire.AuthenticationError:
            return None

    def logout(self, token: str) -> None:
        try:
            self.db.logout(token)
        except inscrire.AuthenticationError:
            pass  # already ended: the pupil is logged out either way

    def join_campaign(self, token: str, code: str) -> inscrire.Registration:
        return self.db.join_campaign(token, code)

    def join_campaign_as(self, token: str, code: str, first_name: str, last_name: str,
                         birthdate: str, client_key: str) -> inscrire.Registration:
        return self.db.join_campaign(token, code, first_name, last_name, birthdate, client_key)

    def participations(self, token: str) -> List[inscrire.Participation]:
        return self.db.participations(token)

    def complete_participation(self, token: str, code: str) -> None:
        self.db.complete_participation(token, code)

    def share_participation(self, token: str, code: str) -> None:
        self.db.share_participation(token, code)


def participants_csv(rows: Sequence[inscrire.Participant]) -> str:
    """The participants as the page lists them, for a spreadsheet: statuses in French as on
    the page, times in France's time, ``;`` separated, with a BOM so that a spreadsheet reads
    UTF-8. A cell a spreadsheet would run as a formula (=, +, -, @ first: a roster's name could
    be ``=HYPERLINK(…)``) starts with an apostrophe, as the library's CSV does
    (src/render/csv.cpp)."""
    def cell(value: str) -> str:
        if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
            value = "'" + value
        if any(c in value for c in ';"\n\r'):
            value = '"' + value.replace('"', '""') + '"'
        return value
    lines = [";".join(("Classe", "Nom", "Prénom", "Identifiant", "Statut", "Commencé le",
                       "Terminé le", "Envoyé le", "Hors classe"))]
    for row in rows:
        lines.append(";".join(cell(value) for value in (
            row.division, row.last_name, row.first_name, row.username or "",
            wording.label(wording.STATUS_LABELS, row.status.value),
            local_time(row.started_at), local_time(row.completed_at),
            local_time(row.shared_at), "oui" if row.out_of_division else "")))
    return "\ufeff" + "\r\n".join(lines) + "\r\n"
