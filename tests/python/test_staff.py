"""School staff through Python (docs/rules.md §9, docs/python.md "Staff, actors and the audit
log"): invitations, staff logins with and without a second factor, what each actor may do, the
last ADMIN, recovery codes and the audit log, on each engine.

TOTP codes come from the real oathtool (OATH Toolkit), at the time of the database's clock."""

import datetime
import hashlib
import inspect
import re
import subprocess
import types

import pytest

import inscrire
from inscrire import Actor, Membership, StaffRole

from conftest import FAST, SCHOOL, UAI

OTHER = "0331234B"  # another school of the same database
NOWHERE = "0691234C"  # a UAI that no school has
PASSWORD = "Chardon-bleu-2024"  # staff passwords: 12 characters at least
START = 1_750_000_020  # the clocked database's first second (the start of a 30-second step)
UTC = datetime.timezone.utc


def totp(secret: str, at: int) -> str:
    """The code an authenticator app shows at unix time `at`, from oathtool."""
    done = subprocess.run(["oathtool", "--totp", "--base32", "-N", f"@{at}", secret],
                          capture_output=True, text=True, check=True)
    return done.stdout.splitlines()[0]


def join(db, uai, role, username, *, actor=None):
    """A staff member of `uai` with `role`, invited by `actor`: their session as an Actor."""
    invitation = db.invite_staff(uai, role, actor=actor)
    login = db.accept_staff_invitation(invitation.code, username, username.title(), PASSWORD)
    return Actor.staff(login.session_token)


class Clock:
    def __init__(self):
        self.now = START

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def clocked(location, clock):
    """An empty database on each engine whose time is `clock`."""
    with inscrire.open(location, clock=clock, **FAST) as database:
        yield database


@pytest.fixture
def staffed(db):
    """Two schools: an ADMIN (alice) and a MEMBER (bruno) of UAI, an ADMIN (chloe) of OTHER;
    their sessions as actors."""
    db.create_organization(UAI, SCHOOL)
    db.create_organization(OTHER, "Collège Montaigne")
    admin = join(db, UAI, StaffRole.ADMIN, "alice")
    member = join(db, UAI, "MEMBER", "bruno", actor=admin)
    other_admin = join(db, OTHER, "ADMIN", "chloe")
    return types.SimpleNamespace(db=db, admin=admin, member=member, other_admin=other_admin)


def test_an_invitation_accepted_creates_the_account_and_logs_it_in(db):
    db.create_organization(UAI, SCHOOL)
    before = datetime.datetime.now(UTC)
    invitation = db.invite_staff(UAI, "admin")  # the plain string, case ignored
    assert (invitation.uai, invitation.role) == (UAI, StaffRole.ADMIN)
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", invitation.code)
    assert invitation.code not in repr(invitation)
    assert invitation.expires_at.tzinfo is UTC
    assert abs(invitation.expires_at - before - datetime.timedelta(days=7)).total_seconds() < 60
    assert db.invitations(UAI) == [inscrire.PendingInvitation(
        id=invitation.id, role=StaffRole.ADMIN, created_by="admin",
        expires_at=invitation.expires_at)]

    typed = invitation.code.replace("-", "").lower()  # hyphens and case ignored
    login = db.accept_staff_invitation(typed, "Alice.Martin", "Alice Martin", PASSWORD)
    assert login.username == "alice.martin"
    assert login.session_token and login.session_token not in repr(login)
    assert not login.password_change_required and login.change_token is None
    assert login.expires_at > before

    session = db.staff_authenticate(login.session_token)
    assert (session.username, session.display_name) == ("alice.martin", "Alice Martin")
    assert session.memberships == (Membership(UAI, StaffRole.ADMIN),)
    assert session.role_in(UAI) is StaffRole.ADMIN and session.role_in(OTHER) is None
    assert not session.second_factor
    assert db.invitations(UAI) == []
    [member] = db.members(UAI, actor=Actor.staff(login.session_token))
    assert (member.username, member.role, member.since.tzinfo) == ("alice.martin", "ADMIN", UTC)

    with pytest.raises(inscrire.NotFound) as used:  # single use
        db.accept_staff_invitation(invitation.code, "bruno", "Bruno", PASSWORD)
    assert used.value.code == "INVITATION_INVALID"


def test_an_invitation_accepted_in_a_session_adds_the_school_to_the_account(staffed):
    db, member = staffed.db, staffed.member
    invitation = db.invite_staff(OTHER, StaffRole.MEMBER, actor=staffed.other_admin)
    session = db.accept_staff_invitation(invitation.code, session=member.session_token)
    assert isinstance(session, inscrire.StaffSession)
    assert set(session.memberships) == {Membership(UAI, StaffRole.MEMBER),
                                        Membership(OTHER, StaffRole.MEMBER)}
    assert db.campaigns(OTHER, actor=member) == []
    with pytest.raises(TypeError):
        db.accept_staff_invitation(invitation.code, "bruno", session=member)
    with pytest.raises(TypeError):
        db.accept_staff_invitation(invitation.code, "bruno", "Bruno")


def test_a_staff_username_is_taken_once(staffed):
    invitation = staffed.db.invite_staff(UAI, "MEMBER")
    with pytest.raises(inscrire.AlreadyExists) as taken:
        staffed.db.accept_staff_invitation(invitation.code, "ALICE", "Alice bis", PASSWORD)
    assert taken.value.code == "STAFF_USERNAME_TAKEN"
    with pytest.raises(inscrire.PasswordRejected):  # the staff rule: 12 characters at least
        staffed.db.accept_staff_invitation(invitation.code, "david", "David", "Court-1")


def test_a_staff_login_without_a_second_factor(staffed):
    db = staffed.db
    login = db.staff_login("Bruno", PASSWORD, client_key="198.51.100.7")
    assert login.username == "bruno" and login.session_token
    assert db.staff_authenticate(login.session_token).memberships == (
        Membership(UAI, StaffRole.MEMBER),)
    for username in ("bruno", "nobody"):  # a wrong password and an unknown username alike
        with pytest.raises(inscrire.AuthenticationError) as refused:
            db.staff_login(username, "Mauvais-mot-de-passe")
        assert refused.value.code == "INVALID_CREDENTIALS"
    db.staff_logout(login.session_token)
    with pytest.raises(inscrire.AuthenticationError) as ended:
        db.staff_authenticate(login.session_token)
    assert ended.value.code == "SESSION_INVALID"


def test_a_staff_login_with_a_second_factor_and_single_use_recovery_codes(clocked, clock):
    db = clocked
    db.create_organization(UAI, SCHOOL)
    admin = join(db, UAI, "ADMIN", "alice")
    member = join(db, UAI, "MEMBER", "bruno", actor=admin)

    enrolment = db.begin_second_factor(member.session_token)
    assert enrolment.otpauth_uri.startswith("otpauth://totp/inscrire:bruno?")
    assert f"secret={enrolment.secret}" in enrolment.otpauth_uri
    assert "<svg" in enrolment.qr_svg
    assert enrolment.secret not in repr(enrolment)
    with pytest.raises(inscrire.AuthenticationError) as wrong:
        db.confirm_second_factor(member.session_token, "abcdef")
    assert wrong.value.code == "SECOND_FACTOR_INVALID"
    codes = db.confirm_second_factor(member.session_token, totp(enrolment.secret, clock.now))
    assert len(codes) == 10 and len(set(codes)) == 10
    assert db.staff_authenticate(member.session_token).second_factor

    with pytest.raises(inscrire.AuthenticationError) as required:  # the password was right
        db.staff_login("bruno", PASSWORD)
    assert required.value.code == "SECOND_FACTOR_REQUIRED"
    clock.now += 30
    code = totp(enrolment.secret, clock.now)
    wrong_code = f"{(int(code) + 1) % 1_000_000:06d}"
    with pytest.raises(inscrire.AuthenticationError) as invalid:
        db.staff_login("bruno", PASSWORD, totp=wrong_code)
    assert invalid.value.code == "SECOND_FACTOR_INVALID"
    assert db.staff_login("bruno", PASSWORD, totp=code).session_token
    with pytest.raises(inscrire.AuthenticationError) as replayed:  # the same step again
        db.staff_login("bruno", PASSWORD, totp=code)
    assert replayed.value.code == "SECOND_FACTOR_INVALID"

    assert db.staff_login("bruno", PASSWORD, totp=codes[0]).session_token
    with pytest.raises(inscrire.AuthenticationError) as spent:
        db.staff_login("bruno", PASSWORD, totp=codes[0])
    assert spent.value.code == "SECOND_FACTOR_INVALID"
    assert db.staff_login("bruno", PASSWORD, totp=codes[1]).session_token

    # An ADMIN resets a member's second factor; the member logs in with the password alone.
    db.reset_second_factor(UAI, "bruno", actor=admin)
    assert not db.staff_login("bruno", PASSWORD).password_change_required
    [bruno] = [m for m in db.members(UAI, actor=admin) if m.username == "bruno"]
    assert not bruno.second_factor and bruno.last_login_at == datetime.datetime.fromtimestamp(
        clock.now, UTC)


def test_one_operation_allowed_and_the_same_refusal_for_another_school_and_for_none(staffed,
                                                                                     roster):
    db, member = staffed.db, staffed.member
    db.import_roster(UAI, roster)
    assert db.learners(UAI, actor=member) == db.learners(UAI)  # a MEMBER reads the list

    refusals = []
    for uai in (OTHER, NOWHERE):
        with pytest.raises(inscrire.Forbidden) as refused:
            db.learners(uai, actor=member)
        error = refused.value
        assert isinstance(error, PermissionError) and error.code == "FORBIDDEN"
        refusals.append((type(error), error.code, error.message, error.message_en, error.detail))
    assert refusals[0] == refusals[1]


def test_a_member_may_not_import_a_roster_and_the_refusal_is_audited(staffed, roster):
    db, admin, member = staffed.db, staffed.admin, staffed.member
    with pytest.raises(inscrire.Forbidden):
        db.import_roster(UAI, roster, actor=member)
    assert db.learners(UAI) == []  # nothing changed
    report = db.import_roster(UAI, roster, actor=admin)  # an ADMIN may
    assert report.created > 0

    rows = db.audit_log(UAI, actor=admin, action="import_roster")
    assert [row.outcome for row in rows] == ["ok", "forbidden"]  # newest first
    refusal = rows[1]
    assert (refusal.uai, refusal.actor_kind, refusal.actor_ref, refusal.actor_role) == (
        UAI, "staff", "bruno", "MEMBER")
    assert refusal.at.tzinfo is UTC
    assert str(report.created) in rows[0].detail  # an import's row carries its counts

    with pytest.raises(inscrire.Forbidden):  # a MEMBER does not read the log
        db.audit_log(UAI, actor=member)
    later = datetime.datetime.now(UTC) + datetime.timedelta(days=1)
    assert db.audit_log(UAI, actor=admin, since=later) == []
    assert len(db.audit_log(UAI, actor=admin, limit=1)) == 1
    with pytest.raises(ValueError):
        db.audit_log(UAI, actor=admin, since=datetime.datetime(2025, 1, 1))  # naive
    with pytest.raises(inscrire.InvalidInput) as page:
        db.audit_log(UAI, actor=admin, limit=0)
    assert page.value.code == "INVALID_ARGUMENT"


def test_the_audit_log_records_a_pseudonymous_client(staffed):
    db, admin = staffed.db, staffed.admin
    key = "203.0.113.9"
    db.invite_staff(UAI, "MEMBER", actor=admin.with_client_key(key))
    [row] = db.audit_log(UAI, actor=admin, action="invite_staff", limit=1)
    assert row.client == hashlib.sha256(key.encode()).hexdigest()[:16]
    assert key not in repr(admin.with_client_key(key))


def test_the_last_admin_can_neither_leave_nor_be_demoted(staffed):
    db, admin, member = staffed.db, staffed.admin, staffed.member
    for change in (lambda: db.set_member_role(UAI, "alice", "MEMBER", actor=admin),
                   lambda: db.remove_member(UAI, "alice", actor=admin),
                   lambda: db.remove_member(UAI, "alice", actor=Actor.operator("ops"))):
        with pytest.raises(inscrire.Conflict) as refused:
            change()
        assert refused.value.code == "LAST_ADMIN"
    db.set_member_role(UAI, "bruno", StaffRole.ADMIN, actor=admin)
    db.set_member_role(UAI, "alice", "member", actor=member)  # bruno is an ADMIN now
    roles = {m.username: m.role for m in db.members(UAI, actor=member)}
    assert roles == {"alice": StaffRole.MEMBER, "bruno": StaffRole.ADMIN}
    db.remove_member(UAI, "alice", actor=member)
    with pytest.raises(inscrire.AuthenticationError):  # alice's last school: sessions end
        db.staff_authenticate(admin.session_token)


def test_a_reset_staff_password_must_be_changed_at_the_next_login(staffed):
    db, admin, member = staffed.db, staffed.admin, staffed.member
    temporary = db.reset_staff_password(UAI, "bruno", actor=admin)
    with pytest.raises(inscrire.AuthenticationError):  # the reset ended bruno's sessions
        db.campaigns(UAI, actor=member)
    login = db.staff_login("bruno", temporary)
    assert login.password_change_required and login.change_token
    assert login.session_token is None and login.expires_at is None
    assert login.change_token not in repr(login)
    db.change_staff_password_with_token(login.change_token, "Nouveau-chardon-2025")
    db.change_staff_password("bruno", "Nouveau-chardon-2025", "Encore-un-chardon-26")
    assert db.staff_login("bruno", "Encore-un-chardon-26").session_token


def test_an_invitation_revoked_cannot_be_accepted(staffed):
    db, admin, member = staffed.db, staffed.admin, staffed.member
    invitation = db.invite_staff(UAI, "MEMBER", actor=admin, valid_days=2)
    [pending] = db.invitations(UAI, actor=admin)
    assert (pending.id, pending.created_by) == (invitation.id, "alice")
    db.revoke_staff_invitation(UAI, pending.id, actor=admin)
    assert db.invitations(UAI, actor=admin) == []
    with pytest.raises(inscrire.NotFound) as revoked:
        db.accept_staff_invitation(invitation.code, "david", "David", PASSWORD)
    assert revoked.value.code == "INVITATION_INVALID"
    for days in (0, 91):
        with pytest.raises(inscrire.InvalidInput):
            db.invite_staff(UAI, "MEMBER", actor=admin, valid_days=days)
    with pytest.raises(inscrire.Forbidden):  # a MEMBER does not invite
        db.invite_staff(UAI, "MEMBER", actor=member)
    with pytest.raises(inscrire.InvalidInput) as role:
        db.invite_staff(UAI, "BOSS", actor=admin)
    assert role.value.code == "INVALID_ARGUMENT"


def test_the_owner_of_a_campaign_may_archive_it(staffed):
    db, admin, member = staffed.db, staffed.admin, staffed.member
    named = db.create_campaign(UAI, "Pix 5A", division="5A", owner="bruno", actor=admin)
    assert named.owner == "bruno"
    own = db.create_campaign(UAI, "Pix 4B", division="4B", actor=member)
    assert own.owner == "bruno"
    admins = db.create_campaign(UAI, "Pix 3C", division="3C", actor=admin)
    assert db.archive_campaign(named.code, actor=member).status == "archived"
    with pytest.raises(inscrire.Forbidden):  # a MEMBER who does not own it
        db.archive_campaign(admins.code, actor=member)


def test_an_asserted_identity_is_held_to_the_memberships_it_is_given(staffed):
    db = staffed.db
    teacher = Actor.asserted("https://idp.example.fr", "u-42", "Denise Roy", {UAI: "member"})
    assert teacher.memberships == (Membership(UAI, StaffRole.MEMBER),)
    assert db.campaigns(UAI, actor=teacher) == []
    for uai in (OTHER, NOWHERE):
        with pytest.raises(inscrire.Forbidden):
            db.campaigns(uai, actor=teacher)
    with pytest.raises(inscrire.Forbidden):
        db.invite_staff(UAI, "MEMBER", actor=teacher)
    head = Actor.asserted("https://idp.example.fr", "u-7", "Éric Roy", {UAI: StaffRole.ADMIN})
    assert db.invite_staff(UAI, "MEMBER", actor=head).role is StaffRole.MEMBER
    [row] = db.audit_log(UAI, actor=head, action="invite_staff", limit=1)
    assert (row.actor_kind, row.actor_name, row.actor_role) == ("asserted", "Éric Roy", "ADMIN")
    with pytest.raises(inscrire.InvalidInput):
        Actor.asserted("https://idp.example.fr", "u-8", "X", {UAI: "BOSS"})


def test_a_legacy_actor_string_is_still_accepted(staffed):
    db, member = staffed.db, staffed.member
    campaign = db.create_campaign(UAI, "Pix 5A", division="5A")
    db.delete_campaign(campaign.code, actor="secretariat")
    [row] = db.audit_log(UAI, action="delete_campaign")
    assert (row.actor_kind, row.actor_ref, row.outcome) == ("operator", "secretariat", "ok")
    with pytest.raises(TypeError):
        db.campaigns(UAI, actor=42)
    with pytest.raises(inscrire.InvalidInput) as unencodable:  # a lone surrogate, as elsewhere
        db.campaigns(UAI, actor=Actor.operator("\udc80"))
    assert unencodable.value.code == "INVALID_UTF8"
    assert member.session_token not in repr(member)


def test_require_staff_refuses_the_default_actor_but_not_a_named_operator(staffed):
    with inscrire.open(staffed.db.path, require_staff=True, **FAST) as strict:
        for actor in (None, "secretariat"):
            with pytest.raises(inscrire.Forbidden):
                strict.campaigns(UAI, actor=actor)
        assert strict.campaigns(UAI, actor=Actor.operator("ops")) == []
        assert strict.campaigns(UAI, actor=staffed.member) == []


def test_the_admins_policy_makes_an_admin_enrol_first(staffed):
    with inscrire.open(staffed.db.path, staff_second_factor="admins", **FAST) as strict:
        with pytest.raises(inscrire.AuthenticationError) as enrol:
            strict.campaigns(UAI, actor=staffed.admin)
        assert enrol.value.code == "SECOND_FACTOR_ENROLMENT_REQUIRED"
        assert strict.campaigns(UAI, actor=staffed.member) == []  # a MEMBER need not


def test_purging_the_audit_log_is_the_operators(clocked, clock):
    db = clocked
    db.create_organization(UAI, SCHOOL)
    admin = join(db, UAI, "ADMIN", "alice")
    with pytest.raises(inscrire.Forbidden):
        db.purge_audit(actor=admin)
    clock.now += 3 * 24 * 3600
    assert db.purge_audit(older_than_days=1, actor=Actor.operator("ops")) >= 2
    assert db.audit_log(UAI) == []  # the purge's own row names no school
    with pytest.raises(inscrire.InvalidInput):
        db.purge_audit(older_than_days=0)


@pytest.mark.parametrize("option", [
    {"staff_session_idle_seconds": 59},
    {"staff_session_seconds": 10**12},
    {"staff_invitation_days": 0},
    {"audit_retention_days": 3651},
    {"staff_second_factor": "sometimes"},
])
def test_staff_options_are_checked_by_the_core(tmp_path, option):
    path = tmp_path / "school.db"
    with pytest.raises(inscrire.InvalidInput) as refused:
        inscrire.open(path, **option)
    assert refused.value.code == "INVALID_ARGUMENT"
    assert not path.exists()


# Every admin method of Database: the operations of the permission table (docs/rules.md §9)
# that Python exposes, and the listings beside them.
ADMIN_METHODS = {
    "create_organization", "organizations", "import_roster", "learners", "learner", "account",
    "create_campaign", "campaigns", "archive_campaign", "unarchive_campaign", "delete_campaign",
    "campaign_participants", "participants_csv", "class_sheet", "not_joined", "reset_password",
    "unblock", "import_account", "generate_credentials", "dissociate", "anonymize_learner",
    "export_learner", "invite_staff", "members", "invitations", "set_member_role",
    "remove_member", "revoke_staff_invitation", "reset_staff_password", "reset_second_factor",
    "audit_log", "purge_audit", "update_campaign", "delete_participation",
}


def test_every_admin_method_takes_a_keyword_only_actor():
    taking = set()
    for name, method in inspect.getmembers(inscrire.Database, inspect.isfunction):
        parameter = inspect.signature(method).parameters.get("actor")
        if parameter is not None:
            taking.add(name)
            assert parameter.kind is inspect.Parameter.KEYWORD_ONLY, name
            assert parameter.default is None, name
    assert taking == ADMIN_METHODS
