"""A school's team on a new database, with require_staff on as a platform would run it.

    python3 staff_team.py school.db ElevesSansAdresses.xml

The operator (the platform's back office) creates the school and invites its first ADMIN; the
ADMIN imports the roster and invites a teacher; the teacher logs in, reads the roster and is
refused an invitation (a MEMBER's role does not allow it); the ADMIN reads that refusal in the
audit log. Invitation codes and session tokens are secrets: a real host hands the code over
(a printed sheet) and keeps the token in its own session, never in a log.
"""

import sys

import inscrire
from inscrire import Actor, StaffRole

UAI = "0751234A"


def main(database: str, roster: str) -> int:
    with inscrire.open(database, require_staff=True) as db:
        operator = Actor.operator("back-office")
        db.create_organization(UAI, "Collège Victor Hugo", actor=operator)

        # The first ADMIN: an invitation (its code shown this once), accepted with an account.
        invitation = db.invite_staff(UAI, StaffRole.ADMIN, actor=operator)
        login = db.accept_staff_invitation(invitation.code, "m.durand", "Marie Durand",
                                           "Chardon-bleu-2024")
        admin = Actor.staff(login.session_token).with_client_key("198.51.100.7")
        report = db.import_roster(UAI, roster, actor=admin)
        print(f"roster: {report.created} pupils")

        # A teacher, invited by the ADMIN, logs in with the username and password they chose.
        invitation = db.invite_staff(UAI, "MEMBER", actor=admin)
        db.accept_staff_invitation(invitation.code, "p.martin", "Paul Martin",
                                   "Tournesol-vert-2024")
        teacher = Actor.staff(db.staff_login("p.martin", "Tournesol-vert-2024").session_token)
        print(f"5A: {len(db.learners(UAI, '5A', actor=teacher))} pupils")  # allowed
        try:
            db.invite_staff(UAI, StaffRole.ADMIN, actor=teacher)  # a MEMBER may not
        except inscrire.Forbidden as refused:
            print(f"refused: {refused.code}")

        for row in db.audit_log(UAI, actor=admin, limit=5):
            print(f"{row.at:%Y-%m-%d %H:%M} {row.actor_ref} ({row.actor_role}) "
                  f"{row.action} {row.outcome}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
