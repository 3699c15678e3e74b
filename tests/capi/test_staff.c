/* School staff through the C API, from C99: the operator invites a school's first ADMIN, who
 * accepts (an account and a session) and acts on their school but not on another one, nor on
 * a school that does not exist (FORBIDDEN both); a MEMBER refused an import; roles and the last
 * ADMIN; pending invitations; a staff password reset; an asserted identity; a second factor
 * enrolled with a code computed by oathtool, then a login without it, with it and with a
 * recovery code (once); the audit log with its refusals; require_staff and the options.
 * Usage: capi_test_staff DATA_DIR (the project's data/ directory). */
#define _XOPEN_SOURCE 700

#include <ctype.h>
#include <time.h>

#include "check.h"

#define UAI "0751234A"
#define OTHER_UAI "0750001B"   /* a school of its own, where nobody of UAI belongs */
#define UNKNOWN_UAI "0759999Z" /* a school that does not exist */
#define ADMIN "marie.curie"
#define ADMIN_PASSWORD "Radium et polonium 1898"
#define MEMBER "paul.langevin"
#define MEMBER_PASSWORD "Ondes ultrasonores 1917"
#define NEW_PASSWORD "Effet Langevin paramagnetique"
#define ALLAN_INE "552340183SS"
#define MAELYS_INE "507069464XN"
/* The shape of a bcrypt hash (cost 4), as another platform exports it. */
#define BCRYPT_HASH "$2b$04$abcdefghijklmnopqrstuuJ5gDqAPmBqqTnt1G9l3.4xkCxNr4Ggm"

static const char *data_dir;
static char temp_dir[64];
static char roster[256];

/* The school's state shared by the tests below, in the order main runs them. */
static inscrire_db *db;
static inscrire_actor *operator_actor; /* the operator "cli" */
static char admin_token[128];          /* marie.curie's live session */
static char member_token[128];         /* paul.langevin's live session */
static char recovery_codes[10][32];    /* marie.curie's, once enrolled */

static void copy_text(char *buffer, size_t size, const char *text) {
  buffer[0] = '\0';
  if (text != NULL && strlen(text) < size) strcpy(buffer, text);
}

/* Options with cheap Argon2 and English messages; the caller frees them. */
static inscrire_options *test_options(void) {
  inscrire_options *options = NULL;
  CHECK_OK(inscrire_options_new(&options));
  CHECK_OK(inscrire_options_set_hash_memory(options, 1024));
  CHECK_OK(inscrire_options_set_hash_iterations(options, 1));
  CHECK_OK(inscrire_options_set_language(options, INSCRIRE_LANGUAGE_ENGLISH));
  return options;
}

static inscrire_db *open_db(const inscrire_options *options) {
  char path[256];
  inscrire_db *opened = NULL;
  CHECK_OK(inscrire_db_open_v2(path_in(path, sizeof path, temp_dir, "staff.db"), options, &opened));
  return opened;
}

/* The TOTP code (RFC 6238) of `secret` (base32) at `when` ("now", "now + 30 seconds"), as an
 * authenticator app shows it, computed by oathtool. The library accepts the steps t-1, t and
 * t+1, never one at or before the step it last accepted. */
static int totp_code(const char *secret, const char *when, char *code, size_t size) {
  char command[192];
  FILE *pipe;
  size_t i, length;
  code[0] = '\0';
  for (i = 0; secret[i] != '\0'; ++i) {
    if (!isupper((unsigned char)secret[i]) && !(secret[i] >= '2' && secret[i] <= '7')) return -1;
  }
  if (strlen(secret) > 64) return -1;
  snprintf(command, sizeof command, "oathtool --totp --base32 -N '%s' %s", when, secret);
  pipe = popen(command, "r");
  if (pipe == NULL) return -1;
  if (fgets(code, (int)size, pipe) == NULL) code[0] = '\0';
  if (pclose(pipe) != 0) return -1;
  length = strlen(code);
  while (length > 0 && (code[length - 1] == '\n' || code[length - 1] == '\r')) code[--length] = 0;
  return length == 6 ? 0 : -1;
}

/* Logs a staff member in; the session token goes to `token` ("" when there is none). */
static int staff_login(const char *username, const char *password, const char *totp, char *token) {
  inscrire_staff_login_result *login = NULL;
  int rc = inscrire_staff_login(db, username, password, "10.0.0.1", totp, &login);
  copy_text(token, 128, inscrire_staff_login_result_session_token(login));
  if (rc != INSCRIRE_OK) CHECK(login == NULL);
  inscrire_staff_login_result_free(login);
  return rc;
}

/* Whether the audit rows hold one of `action` with this outcome by this actor reference. */
static int has_row(const inscrire_audit_row_list *rows, const char *action, const char *outcome,
                   const char *actor_ref) {
  size_t i;
  for (i = 0; i < inscrire_audit_row_list_count(rows); ++i) {
    if (strcmp(inscrire_audit_row_list_action(rows, i), action) == 0 &&
        strcmp(inscrire_audit_row_list_outcome(rows, i), outcome) == 0 &&
        strcmp(inscrire_audit_row_list_actor_ref(rows, i), actor_ref) == 0) {
      return 1;
    }
  }
  return 0;
}

static void test_options_are_checked_by_the_core(void) {
  char path[256];
  inscrire_options *options = NULL;
  inscrire_db *refused = NULL;
  CHECK_OK(inscrire_options_new(&options));
  CHECK_OK(inscrire_options_set_require_staff(options, 1));
  CHECK_OK(inscrire_options_set_staff_sessions(options, 600, 3600));
  CHECK_RC(inscrire_options_set_staff_sessions(options, 30, 3600), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_options_set_staff_sessions(options, 600, 300), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_options_set_staff_sessions(options, 600, 8 * 86400),
           INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_OK(inscrire_options_set_second_factor(options, "admins", NULL));
  CHECK_OK(inscrire_options_set_second_factor(options, "all", NULL));
  CHECK_OK(inscrire_options_set_second_factor(options, "off", NULL));
  CHECK_RC(inscrire_options_set_second_factor(options, "sometimes", NULL),
           INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_options_set_second_factor(options, NULL, NULL), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_options_set_second_factor(options, "off", "\xff"), INSCRIRE_E_INVALID_UTF8);
  CHECK_OK(inscrire_options_set_invitation_days(options, 90));
  CHECK_RC(inscrire_options_set_invitation_days(options, 0), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_options_set_invitation_days(options, 91), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_OK(inscrire_options_set_audit_retention_days(options, 180));
  CHECK_RC(inscrire_options_set_audit_retention_days(options, 0), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_options_set_audit_retention_days(options, 3651), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_options_set_require_staff(NULL, 1), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_options_set_staff_sessions(NULL, 600, 3600), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_options_set_second_factor(NULL, "off", NULL), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_options_set_invitation_days(NULL, 7), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_options_set_audit_retention_days(NULL, 365), INSCRIRE_E_INVALID_ARGUMENT);
  /* The key file is read when the database opens: a missing one refuses the handle. */
  CHECK_OK(inscrire_options_set_second_factor(options, "admins", "/nonexistent/inscrire.key"));
  CHECK_RC(
      inscrire_db_open_v2(path_in(path, sizeof path, temp_dir, "refused.db"), options, &refused),
      INSCRIRE_E_INVALID_ARGUMENT);
  CHECK(refused == NULL);
  inscrire_options_free(options);
}

static void test_actors(void) {
  inscrire_actor *actor = (inscrire_actor *)&actor; /* garbage: reset to NULL on failure */
  CHECK_RC(inscrire_actor_operator(NULL, &actor), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK(actor == NULL);
  CHECK_RC(inscrire_actor_operator("cli", NULL), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_actor_staff("\xc0\xaf", &actor), INSCRIRE_E_INVALID_UTF8);
  CHECK_RC(inscrire_actor_asserted("https://idp.example", NULL, "Jeanne", &actor),
           INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_OK(inscrire_actor_operator("cli", &actor));
  /* Memberships are for asserted identities only. */
  CHECK_RC(inscrire_actor_add_membership(actor, UAI, "ADMIN"), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_OK(inscrire_actor_set_client_key(actor, "10.0.0.2"));
  CHECK_RC(inscrire_actor_set_client_key(actor, NULL), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_actor_set_client_key(NULL, "x"), INSCRIRE_E_INVALID_ARGUMENT);
  inscrire_actor_free(actor);
  CHECK_OK(inscrire_actor_asserted("https://idp.example", "42", "Jeanne Martin", &actor));
  CHECK_OK(inscrire_actor_add_membership(actor, UAI, "member"));
  CHECK_RC(inscrire_actor_add_membership(actor, UAI, "boss"), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_actor_add_membership(actor, NULL, "ADMIN"), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_actor_add_membership(NULL, UAI, "ADMIN"), INSCRIRE_E_INVALID_ARGUMENT);
  inscrire_actor_free(actor);
  inscrire_actor_free(NULL);
}

/* The operator creates the schools and imports UAI's roster, then invites its first ADMIN. */
static void test_the_first_admin_is_invited_by_the_operator(void) {
  inscrire_import_report *report = NULL;
  inscrire_staff_invitation *invitation = NULL;
  inscrire_staff_login_result *login = NULL;
  inscrire_staff_session *session = NULL;
  char code[32];
  const time_t now = time(NULL);

  CHECK_OK(inscrire_actor_operator("cli", &operator_actor));
  CHECK_OK(inscrire_create_organization_as(db, UAI, "Collège Victor Hugo", operator_actor));
  CHECK_OK(inscrire_create_organization_as(db, OTHER_UAI, "Collège Jean Moulin", NULL));
  CHECK_OK(inscrire_import_roster_as(db, UAI, roster, 0, operator_actor, &report));
  CHECK(inscrire_import_report_created(report) > 0);
  inscrire_import_report_free(report);

  CHECK_RC(inscrire_invite_staff(db, UAI, "chief", 0, operator_actor, &invitation),
           INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_invite_staff(db, UAI, "ADMIN", 91, operator_actor, &invitation),
           INSCRIRE_E_INVALID_ARGUMENT);
  CHECK(invitation == NULL);
  CHECK_OK(inscrire_invite_staff(db, UAI, "admin", 0, operator_actor, &invitation));
  CHECK(inscrire_staff_invitation_id(invitation) > 0);
  CHECK_STR(inscrire_staff_invitation_uai(invitation), UAI);
  CHECK_STR(inscrire_staff_invitation_role(invitation), "ADMIN");
  /* Valid 7 days by default. */
  CHECK(inscrire_staff_invitation_expires_at(invitation) >= (int64_t)now + 7 * 86400 - 60);
  CHECK(inscrire_staff_invitation_expires_at(invitation) <= (int64_t)now + 7 * 86400 + 60);
  copy_text(code, sizeof code, inscrire_staff_invitation_code(invitation));
  CHECK(strlen(code) == 14 && code[4] == '-' && code[9] == '-');
  inscrire_staff_invitation_free(invitation);

  /* Weak passwords and malformed usernames are refused before the code is spent. */
  CHECK_RC(inscrire_accept_staff_invitation(db, code, ADMIN, "Marie Curie", "short", NULL, &login),
           INSCRIRE_E_PASSWORD_TOO_WEAK);
  CHECK_RC(inscrire_accept_staff_invitation(db, code, ADMIN, "Marie Curie", "marie.curie-1867",
                                            NULL, &login),
           INSCRIRE_E_PASSWORD_CONTAINS_PERSONAL_INFO);
  CHECK(login == NULL);
  CHECK_OK(inscrire_accept_staff_invitation(db, code, ADMIN, "Marie Curie", ADMIN_PASSWORD,
                                            "10.0.0.1", &login));
  CHECK_STR(inscrire_staff_login_result_username(login), ADMIN);
  CHECK(inscrire_staff_login_result_session_token(login) != NULL);
  CHECK(inscrire_staff_login_result_expires_at(login) > (int64_t)now);
  CHECK(inscrire_staff_login_result_password_change_required(login) == 0);
  CHECK(inscrire_staff_login_result_change_token(login) == NULL);
  copy_text(admin_token, sizeof admin_token, inscrire_staff_login_result_session_token(login));
  inscrire_staff_login_result_free(login);

  /* Single use; hyphens and case do not matter, a used code is invalid all the same. */
  code[4] = code[9] = ' ';
  CHECK_RC(inscrire_accept_staff_invitation(db, code, "pierre.curie", "Pierre Curie",
                                            ADMIN_PASSWORD, NULL, &login),
           INSCRIRE_E_INVITATION_INVALID);
  CHECK_RC(inscrire_accept_staff_invitation(db, "ABCD-EFGH-2345", "pierre.curie", "Pierre Curie",
                                            ADMIN_PASSWORD, NULL, &login),
           INSCRIRE_E_INVITATION_INVALID);
  CHECK(login == NULL);

  CHECK_OK(inscrire_staff_authenticate(db, admin_token, &session));
  CHECK_STR(inscrire_staff_session_username(session), ADMIN);
  CHECK_STR(inscrire_staff_session_display_name(session), "Marie Curie");
  CHECK(inscrire_staff_session_expires_at(session) > (int64_t)now);
  CHECK(inscrire_staff_session_second_factor(session) == 0);
  CHECK(inscrire_staff_session_membership_count(session) == 1);
  CHECK_STR(inscrire_staff_session_membership_uai(session, 0), UAI);
  CHECK_STR(inscrire_staff_session_membership_role(session, 0), "ADMIN");
  CHECK(inscrire_staff_session_membership_uai(session, 1) == NULL);
  inscrire_staff_session_free(session);
  session = (inscrire_staff_session *)&session;
  CHECK_RC(inscrire_staff_authenticate(db, "not-a-session", &session), INSCRIRE_E_SESSION_INVALID);
  CHECK(session == NULL);
}

/* The ADMIN acts on their school; another school and one that does not exist answer alike. */
static void test_an_admin_acts_on_their_school_only(void) {
  inscrire_actor *admin = NULL;
  inscrire_learner_account_list *list = NULL;
  inscrire_learner_account *row = NULL;
  inscrire_organization_list *schools = NULL;
  char *password = NULL;

  CHECK_OK(inscrire_actor_staff(admin_token, &admin));
  CHECK_OK(inscrire_learners_v2_as(db, UAI, "5A", NULL, 0, 0, admin, &list));
  CHECK(inscrire_learner_account_list_count(list) > 0);
  inscrire_learner_account_list_free(list);
  CHECK_OK(inscrire_find_learner_as(db, UAI, ALLAN_INE, admin, &row));
  inscrire_learner_account_free(row);

  list = (inscrire_learner_account_list *)&list;
  CHECK_RC(inscrire_learners_v2_as(db, OTHER_UAI, NULL, NULL, 0, 0, admin, &list),
           INSCRIRE_E_FORBIDDEN);
  CHECK(list == NULL);
  CHECK_RC(inscrire_learners_v2_as(db, UNKNOWN_UAI, NULL, NULL, 0, 0, admin, &list),
           INSCRIRE_E_FORBIDDEN);
  CHECK(list == NULL);
  CHECK_RC(inscrire_find_learner_as(db, OTHER_UAI, ALLAN_INE, admin, &row), INSCRIRE_E_FORBIDDEN);
  CHECK_RC(inscrire_reset_password_as(db, UNKNOWN_UAI, "allan.poe0103", admin, &password),
           INSCRIRE_E_FORBIDDEN);
  CHECK(password == NULL);
  /* Only the operator creates schools. */
  CHECK_RC(inscrire_create_organization_as(db, "0750002C", "Lycée", admin), INSCRIRE_E_FORBIDDEN);
  /* The schools the ADMIN belongs to. */
  CHECK_OK(inscrire_organizations_as(db, admin, &schools));
  CHECK(inscrire_organization_list_count(schools) == 1);
  CHECK_STR(inscrire_organization_list_uai(schools, 0), UAI);
  inscrire_organization_list_free(schools);
  /* The default actor (NULL) is the operator: every school. */
  CHECK_OK(inscrire_organizations_as(db, NULL, &schools));
  CHECK(inscrire_organization_list_count(schools) == 2);
  inscrire_organization_list_free(schools);
  inscrire_actor_free(admin);
}

/* A MEMBER, invited by the ADMIN, may look and create campaigns but not import. */
static void test_a_member_is_refused_an_import(void) {
  inscrire_actor *admin = NULL, *member = NULL;
  inscrire_staff_invitation *invitation = NULL;
  inscrire_staff_login_result *login = NULL;
  inscrire_import_report *report = (inscrire_import_report *)&report;
  inscrire_campaign_list *campaigns = NULL;
  inscrire_campaign *campaign = NULL;
  inscrire_staff_member_list *members = NULL;
  char code[32], campaign_code[32];

  CHECK_OK(inscrire_actor_staff(admin_token, &admin));
  CHECK_OK(inscrire_invite_staff(db, UAI, "MEMBER", 3, admin, &invitation));
  CHECK_STR(inscrire_staff_invitation_role(invitation), "MEMBER");
  copy_text(code, sizeof code, inscrire_staff_invitation_code(invitation));
  inscrire_staff_invitation_free(invitation);
  CHECK_OK(inscrire_accept_staff_invitation(db, code, "Paul.Langevin", "Paul Langevin",
                                            MEMBER_PASSWORD, NULL, &login));
  CHECK_STR(inscrire_staff_login_result_username(login), MEMBER);
  copy_text(member_token, sizeof member_token, inscrire_staff_login_result_session_token(login));
  inscrire_staff_login_result_free(login);
  CHECK_OK(inscrire_actor_staff(member_token, &member));

  CHECK_RC(inscrire_import_roster_as(db, UAI, roster, 0, member, &report), INSCRIRE_E_FORBIDDEN);
  CHECK(report == NULL);
  CHECK_RC(inscrire_members(db, UAI, member, &members), INSCRIRE_E_FORBIDDEN);
  CHECK_OK(inscrire_campaigns_as(db, UAI, member, &campaigns));
  inscrire_campaign_list_free(campaigns);

  /* The creator owns a campaign; a MEMBER archives their own, not the ADMIN's. */
  CHECK_OK(inscrire_create_campaign_as(db, UAI, "Pix 5A", "5A", NULL, NULL, member, &campaign));
  CHECK_STR(inscrire_campaign_owner(campaign), MEMBER);
  copy_text(campaign_code, sizeof campaign_code, inscrire_campaign_code(campaign));
  inscrire_campaign_free(campaign);
  CHECK_OK(inscrire_archive_campaign_as(db, campaign_code, member, NULL));
  CHECK_OK(inscrire_unarchive_campaign_as(db, campaign_code, member, NULL));
  CHECK_OK(inscrire_create_campaign_as(db, UAI, "Pix 4B", "4B", NULL, NULL, admin, &campaign));
  copy_text(campaign_code, sizeof campaign_code, inscrire_campaign_code(campaign));
  inscrire_campaign_free(campaign);
  CHECK_RC(inscrire_archive_campaign_as(db, campaign_code, member, &campaign),
           INSCRIRE_E_FORBIDDEN);
  CHECK(campaign == NULL);
  CHECK_RC(inscrire_delete_campaign_as(db, campaign_code, member), INSCRIRE_E_FORBIDDEN);
  /* Only an ADMIN or the operator names another owner. */
  CHECK_RC(inscrire_create_campaign_as(db, UAI, "Pix 3C", "3C", NULL, ADMIN, member, &campaign),
           INSCRIRE_E_FORBIDDEN);
  CHECK(campaign == NULL);
  inscrire_actor_free(member);
  inscrire_actor_free(admin);
}

/* Roles change, but a school never loses its last ADMIN, not even to the operator. */
static void test_roles_and_the_last_admin(void) {
  inscrire_actor *admin = NULL;
  inscrire_staff_member_list *members = NULL;
  size_t i, admins = 0;

  CHECK_OK(inscrire_actor_staff(admin_token, &admin));
  CHECK_RC(inscrire_set_member_role(db, UAI, ADMIN, "MEMBER", admin), INSCRIRE_E_LAST_ADMIN);
  CHECK_RC(inscrire_set_member_role(db, UAI, ADMIN, "member", operator_actor),
           INSCRIRE_E_LAST_ADMIN);
  CHECK_RC(inscrire_remove_member(db, UAI, ADMIN, operator_actor), INSCRIRE_E_LAST_ADMIN);
  CHECK_RC(inscrire_set_member_role(db, UAI, MEMBER, "teacher", admin),
           INSCRIRE_E_INVALID_ARGUMENT);
  /* A username of no school of the ADMIN is refused as one of another school. */
  CHECK_RC(inscrire_set_member_role(db, UAI, "nobody.here", "ADMIN", admin), INSCRIRE_E_FORBIDDEN);
  CHECK_RC(inscrire_set_member_role(db, UAI, "nobody.here", "ADMIN", operator_actor),
           INSCRIRE_E_USER_NOT_FOUND);

  CHECK_OK(inscrire_set_member_role(db, UAI, MEMBER, "Admin", admin));
  CHECK_OK(inscrire_members(db, UAI, admin, &members));
  CHECK(inscrire_staff_member_list_count(members) == 2);
  for (i = 0; i < inscrire_staff_member_list_count(members); ++i) {
    admins += strcmp(inscrire_staff_member_list_role(members, i), "ADMIN") == 0;
    CHECK(inscrire_staff_member_list_since(members, i) > 0);
    CHECK(inscrire_staff_member_list_second_factor(members, i) == 0);
    if (strcmp(inscrire_staff_member_list_username(members, i), ADMIN) == 0) {
      CHECK_STR(inscrire_staff_member_list_display_name(members, i), "Marie Curie");
    }
  }
  CHECK(admins == 2);
  CHECK(inscrire_staff_member_list_username(members, 2) == NULL);
  inscrire_staff_member_list_free(members);
  CHECK_OK(inscrire_set_member_role(db, UAI, MEMBER, "MEMBER", admin));
  inscrire_actor_free(admin);
}

static void test_pending_invitations(void) {
  inscrire_actor *admin = NULL;
  inscrire_staff_invitation *invitation = NULL;
  inscrire_pending_invitation_list *pending = NULL;
  int64_t id;

  CHECK_OK(inscrire_actor_staff(admin_token, &admin));
  CHECK_OK(inscrire_invite_staff(db, UAI, "MEMBER", 0, admin, &invitation));
  id = inscrire_staff_invitation_id(invitation);
  inscrire_staff_invitation_free(invitation);
  CHECK_OK(inscrire_invitations(db, UAI, admin, &pending));
  CHECK(inscrire_pending_invitation_list_count(pending) == 1);
  CHECK(inscrire_pending_invitation_list_id(pending, 0) == id);
  CHECK_STR(inscrire_pending_invitation_list_role(pending, 0), "MEMBER");
  CHECK_STR(inscrire_pending_invitation_list_created_by(pending, 0), ADMIN);
  CHECK(inscrire_pending_invitation_list_expires_at(pending, 0) > (int64_t)time(NULL));
  inscrire_pending_invitation_list_free(pending);

  CHECK_RC(inscrire_revoke_staff_invitation(db, OTHER_UAI, id, admin), INSCRIRE_E_FORBIDDEN);
  CHECK_OK(inscrire_revoke_staff_invitation(db, UAI, id, admin));
  CHECK_RC(inscrire_revoke_staff_invitation(db, UAI, id, admin), INSCRIRE_E_INVITATION_INVALID);
  CHECK_OK(inscrire_invitations(db, UAI, admin, &pending));
  CHECK(inscrire_pending_invitation_list_count(pending) == 0);
  inscrire_pending_invitation_list_free(pending);
  inscrire_actor_free(admin);
}

/* A reset by the ADMIN: the next login sets a new password with the one-time token. */
static void test_a_staff_password_reset(void) {
  inscrire_actor *admin = NULL;
  inscrire_staff_login_result *login = NULL;
  inscrire_staff_session *session = NULL;
  char *temporary = NULL;
  char change_token[128];

  CHECK_OK(inscrire_actor_staff(admin_token, &admin));
  CHECK_OK(inscrire_reset_staff_password(db, UAI, MEMBER, admin, &temporary));
  CHECK(temporary != NULL && strlen(temporary) >= 12);
  /* The reset ends the member's sessions. */
  CHECK_RC(inscrire_staff_authenticate(db, member_token, &session), INSCRIRE_E_SESSION_INVALID);
  CHECK_RC(staff_login(MEMBER, MEMBER_PASSWORD, NULL, member_token),
           INSCRIRE_E_INVALID_CREDENTIALS);
  CHECK_OK(inscrire_staff_login(db, MEMBER, temporary, NULL, NULL, &login));
  CHECK(inscrire_staff_login_result_password_change_required(login) == 1);
  CHECK(inscrire_staff_login_result_session_token(login) == NULL);
  CHECK(inscrire_staff_login_result_expires_at(login) == 0);
  copy_text(change_token, sizeof change_token, inscrire_staff_login_result_change_token(login));
  CHECK(change_token[0] != '\0');
  inscrire_staff_login_result_free(login);
  inscrire_string_free(temporary);

  CHECK_RC(inscrire_change_staff_password_with_token(db, change_token, "too short"),
           INSCRIRE_E_PASSWORD_TOO_WEAK);
  CHECK_OK(inscrire_change_staff_password_with_token(db, change_token, MEMBER_PASSWORD));
  CHECK_RC(inscrire_change_staff_password_with_token(db, change_token, MEMBER_PASSWORD),
           INSCRIRE_E_INVALID_TOKEN);
  CHECK_OK(inscrire_change_staff_password(db, MEMBER, MEMBER_PASSWORD, NEW_PASSWORD));
  CHECK_RC(inscrire_change_staff_password(db, MEMBER, MEMBER_PASSWORD, NEW_PASSWORD),
           INSCRIRE_E_INVALID_CREDENTIALS);
  CHECK_OK(staff_login(MEMBER, NEW_PASSWORD, NULL, member_token));
  CHECK(member_token[0] != '\0');
  /* Only an ADMIN resets a password. */
  temporary = (char *)&temporary;
  {
    inscrire_actor *member = NULL;
    CHECK_OK(inscrire_actor_staff(member_token, &member));
    CHECK_RC(inscrire_reset_staff_password(db, UAI, ADMIN, member, &temporary),
             INSCRIRE_E_FORBIDDEN);
    CHECK(temporary == NULL);
    inscrire_actor_free(member);
  }
  inscrire_actor_free(admin);
}

/* A platform's own identity, with the membership it vouches for. */
static void test_an_asserted_identity(void) {
  inscrire_actor *jeanne = NULL;
  inscrire_learner_list *learners = NULL;
  inscrire_campaign *campaign = NULL;
  inscrire_import_report *report = NULL;

  CHECK_OK(inscrire_actor_asserted("https://idp.example", "42", "Jeanne Martin", &jeanne));
  CHECK_OK(inscrire_actor_add_membership(jeanne, OTHER_UAI, "ADMIN"));
  CHECK_OK(inscrire_actor_add_membership(jeanne, UAI, "ADMIN"));
  CHECK_OK(inscrire_actor_add_membership(jeanne, UAI, "MEMBER")); /* the same school: replaced */
  CHECK_OK(inscrire_actor_set_client_key(jeanne, "192.0.2.7"));
  CHECK_OK(inscrire_learners_as(db, UAI, "5A", 0, jeanne, &learners));
  CHECK(inscrire_learner_list_count(learners) > 0);
  inscrire_learner_list_free(learners);
  CHECK_RC(inscrire_import_roster_as(db, UAI, roster, 0, jeanne, &report), INSCRIRE_E_FORBIDDEN);
  CHECK(report == NULL);
  CHECK_OK(inscrire_create_campaign_as(db, UAI, "Pix 4A", "4A", NULL, NULL, jeanne, &campaign));
  CHECK_STR(inscrire_campaign_owner(campaign), "42"); /* its subject */
  CHECK_OK(inscrire_archive_campaign_as(db, inscrire_campaign_code(campaign), jeanne, NULL));
  inscrire_campaign_free(campaign);
  inscrire_actor_free(jeanne);

  /* An asserted identity without a display name cannot act. */
  CHECK_OK(inscrire_actor_asserted("https://idp.example", "43", "", &jeanne));
  CHECK_OK(inscrire_actor_add_membership(jeanne, UAI, "ADMIN"));
  CHECK_RC(inscrire_learners_as(db, UAI, NULL, 0, jeanne, &learners), INSCRIRE_E_INVALID_ARGUMENT);
  inscrire_actor_free(jeanne);
}

/* The ADMIN enrols a second factor; login then needs a code (or a recovery code, once). */
static void test_a_second_factor(void) {
  inscrire_second_factor_enrolment *enrolment = NULL;
  inscrire_string_list *codes = NULL;
  inscrire_staff_session *session = NULL;
  const char *uri_start = "otpauth://totp/inscrire:" ADMIN "?secret=";
  char secret[64], code[16], token[128];
  size_t i;

  CHECK_OK(inscrire_begin_second_factor(db, admin_token, &enrolment));
  copy_text(secret, sizeof secret, inscrire_second_factor_enrolment_secret(enrolment));
  CHECK(strlen(secret) == 32);
  CHECK(strncmp(inscrire_second_factor_enrolment_otpauth_uri(enrolment), uri_start,
                strlen(uri_start)) == 0);
  CHECK(strstr(inscrire_second_factor_enrolment_qr_svg(enrolment), "<svg") != NULL);
  inscrire_second_factor_enrolment_free(enrolment);

  codes = (inscrire_string_list *)&codes;
  CHECK_RC(inscrire_confirm_second_factor(db, admin_token, "abcdef", &codes),
           INSCRIRE_E_SECOND_FACTOR_INVALID);
  CHECK(codes == NULL);
  CHECK(totp_code(secret, "now", code, sizeof code) == 0);
  CHECK_OK(inscrire_confirm_second_factor(db, admin_token, code, &codes));
  CHECK(inscrire_string_list_count(codes) == 10);
  for (i = 0; i < 10 && i < inscrire_string_list_count(codes); ++i) {
    copy_text(recovery_codes[i], sizeof recovery_codes[i], inscrire_string_list_get(codes, i));
    CHECK(recovery_codes[i][0] != '\0');
  }
  CHECK(inscrire_string_list_get(codes, 10) == NULL);
  inscrire_string_list_free(codes);

  CHECK_OK(inscrire_staff_authenticate(db, admin_token, &session));
  CHECK(inscrire_staff_session_second_factor(session) == 1);
  inscrire_staff_session_free(session);
  CHECK_OK(inscrire_staff_logout(db, admin_token));
  CHECK_RC(inscrire_staff_logout(db, admin_token), INSCRIRE_E_SESSION_INVALID);
  CHECK_RC(inscrire_staff_authenticate(db, admin_token, &session), INSCRIRE_E_SESSION_INVALID);

  /* The password is right: the code is asked for, and a wrong one is a failure. */
  CHECK_RC(staff_login(ADMIN, ADMIN_PASSWORD, NULL, token), INSCRIRE_E_SECOND_FACTOR_REQUIRED);
  CHECK_RC(staff_login(ADMIN, ADMIN_PASSWORD, "", token), INSCRIRE_E_SECOND_FACTOR_REQUIRED);
  CHECK_RC(staff_login(ADMIN, ADMIN_PASSWORD, "abcdef", token), INSCRIRE_E_SECOND_FACTOR_INVALID);
  CHECK_RC(staff_login(ADMIN, "Wrong password 123", NULL, token), INSCRIRE_E_INVALID_CREDENTIALS);
  /* The code of the confirmation's step is spent: the next step's, as an app shows it a few
   * seconds later (t+1 is accepted for clocks that drift). */
  CHECK_RC(staff_login(ADMIN, ADMIN_PASSWORD, code, token), INSCRIRE_E_SECOND_FACTOR_INVALID);
  CHECK(totp_code(secret, "now + 30 seconds", code, sizeof code) == 0);
  CHECK_OK(staff_login(ADMIN, ADMIN_PASSWORD, code, admin_token));
  CHECK(admin_token[0] != '\0');
  /* The step just accepted is never accepted again. */
  CHECK_RC(staff_login(ADMIN, ADMIN_PASSWORD, code, token), INSCRIRE_E_SECOND_FACTOR_INVALID);

  /* A recovery code works once. */
  CHECK_OK(staff_login(ADMIN, ADMIN_PASSWORD, recovery_codes[0], token));
  CHECK(token[0] != '\0');
  CHECK_OK(inscrire_staff_logout(db, token));
  CHECK_RC(staff_login(ADMIN, ADMIN_PASSWORD, recovery_codes[0], token),
           INSCRIRE_E_SECOND_FACTOR_INVALID);
  CHECK_OK(staff_login(ADMIN, ADMIN_PASSWORD, recovery_codes[1], token));
  CHECK_OK(inscrire_staff_logout(db, token));
}

/* What happened, as the school's ADMIN reads it: the refusals and the rest. */
static void test_the_audit_log(void) {
  inscrire_actor *admin = NULL, *member = NULL;
  inscrire_audit_row_list *rows = NULL;
  int purged = -1;
  size_t i;

  CHECK_OK(inscrire_actor_staff(admin_token, &admin));
  CHECK_OK(inscrire_audit_log(db, UAI, admin, 0, NULL, 0, 0, &rows));
  CHECK(inscrire_audit_row_list_count(rows) > 5);
  CHECK(has_row(rows, "import_roster", "forbidden", MEMBER));
  CHECK(has_row(rows, "import_roster", "ok", "cli"));
  CHECK(has_row(rows, "invite_staff", "ok", "cli"));
  CHECK(has_row(rows, "invite_staff", "ok", ADMIN));
  CHECK(has_row(rows, "set_member_role", "ok", ADMIN));
  CHECK(has_row(rows, "reset_staff_password", "ok", ADMIN));
  CHECK(has_row(rows, "reset_staff_password", "forbidden", MEMBER));
  CHECK(has_row(rows, "import_roster", "forbidden", "https://idp.example:42"));
  /* Newest first; the names and roles of the time; pseudonymous clients. */
  for (i = 0; i + 1 < inscrire_audit_row_list_count(rows); ++i) {
    CHECK(inscrire_audit_row_list_at(rows, i) >= inscrire_audit_row_list_at(rows, i + 1));
  }
  for (i = 0; i < inscrire_audit_row_list_count(rows); ++i) {
    const char *ref = inscrire_audit_row_list_actor_ref(rows, i);
    CHECK_STR(inscrire_audit_row_list_uai(rows, i), UAI);
    CHECK(inscrire_audit_row_list_target(rows, i) != NULL);
    CHECK(inscrire_audit_row_list_detail(rows, i) != NULL);
    if (strcmp(ref, ADMIN) == 0) {
      CHECK_STR(inscrire_audit_row_list_actor_kind(rows, i), "staff");
      CHECK_STR(inscrire_audit_row_list_actor_name(rows, i), "Marie Curie");
    } else if (strcmp(ref, "cli") == 0) {
      CHECK_STR(inscrire_audit_row_list_actor_kind(rows, i), "operator");
      CHECK_STR(inscrire_audit_row_list_actor_role(rows, i), "OPERATOR");
    } else if (strcmp(ref, "https://idp.example:42") == 0) {
      CHECK_STR(inscrire_audit_row_list_actor_kind(rows, i), "asserted");
      CHECK_STR(inscrire_audit_row_list_actor_role(rows, i), "MEMBER");
      CHECK(strlen(inscrire_audit_row_list_client(rows, i)) == 16);
    }
  }
  CHECK(inscrire_audit_row_list_action(rows, inscrire_audit_row_list_count(rows)) == NULL);
  inscrire_audit_row_list_free(rows);

  /* One action, one row a page. */
  CHECK_OK(inscrire_audit_log(db, UAI, admin, 0, "import_roster", 1, 0, &rows));
  CHECK(inscrire_audit_row_list_count(rows) == 1);
  CHECK_STR(inscrire_audit_row_list_action(rows, 0), "import_roster");
  inscrire_audit_row_list_free(rows);
  CHECK_OK(inscrire_audit_log(db, UAI, admin, (int64_t)time(NULL) + 3600, NULL, 0, 0, &rows));
  CHECK(inscrire_audit_row_list_count(rows) == 0);
  inscrire_audit_row_list_free(rows);
  CHECK_RC(inscrire_audit_log(db, UAI, admin, 0, NULL, 1001, 0, &rows),
           INSCRIRE_E_INVALID_ARGUMENT);
  CHECK(rows == NULL);

  /* The refusals of another school and of none are in their own logs, for the operator. */
  CHECK_RC(inscrire_audit_log(db, OTHER_UAI, admin, 0, NULL, 0, 0, &rows), INSCRIRE_E_FORBIDDEN);
  CHECK_OK(inscrire_audit_log(db, OTHER_UAI, operator_actor, 0, NULL, 0, 0, &rows));
  CHECK(has_row(rows, "learners", "forbidden", ADMIN));
  CHECK(has_row(rows, "audit_log", "forbidden", ADMIN));
  inscrire_audit_row_list_free(rows);
  CHECK_RC(inscrire_audit_log(db, UNKNOWN_UAI, operator_actor, 0, NULL, 0, 0, &rows),
           INSCRIRE_E_ORGANIZATION_NOT_FOUND);

  /* A MEMBER reads no audit log; only the operator purges it. */
  CHECK_OK(inscrire_actor_staff(member_token, &member));
  CHECK_RC(inscrire_audit_log(db, UAI, member, 0, NULL, 0, 0, &rows), INSCRIRE_E_FORBIDDEN);
  CHECK_RC(inscrire_purge_audit(db, 0, admin, &purged), INSCRIRE_E_FORBIDDEN);
  CHECK(purged == 0);
  CHECK_OK(inscrire_purge_audit(db, 3650, operator_actor, &purged));
  CHECK(purged == 0);
  CHECK_OK(inscrire_purge_audit(db, 0, NULL, NULL));
  CHECK_RC(inscrire_purge_audit(db, 3651, operator_actor, &purged), INSCRIRE_E_INVALID_ARGUMENT);
  inscrire_actor_free(member);
  inscrire_actor_free(admin);
}

/* An ADMIN's second factor is reset by the operator only; then the password suffices. */
static void test_second_factor_resets(void) {
  inscrire_actor *member = NULL;
  char token[128];

  CHECK_OK(inscrire_actor_staff(member_token, &member));
  CHECK_RC(inscrire_reset_second_factor(db, UAI, ADMIN, member), INSCRIRE_E_FORBIDDEN);
  inscrire_actor_free(member);
  CHECK_OK(inscrire_reset_second_factor(db, UAI, ADMIN, operator_actor));
  CHECK_OK(staff_login(ADMIN, ADMIN_PASSWORD, NULL, token));
  copy_text(admin_token, sizeof admin_token, token);
  CHECK(admin_token[0] != '\0');
}

/* Under require_staff the default actor is refused, the operator named explicitly is not;
 * under the "admins" policy an ADMIN without a second factor must enrol first. */
static void test_require_staff_and_the_policy(void) {
  inscrire_options *options = test_options();
  inscrire_db *strict = NULL;
  inscrire_learner_account_list *list = NULL;
  inscrire_actor *admin = NULL, *member = NULL;

  CHECK_OK(inscrire_options_set_require_staff(options, 1));
  CHECK_OK(inscrire_options_set_second_factor(options, "admins", NULL));
  strict = open_db(options);
  inscrire_options_free(options);
  CHECK_RC(inscrire_learners_v2(strict, UAI, NULL, NULL, 0, 0, &list), INSCRIRE_E_FORBIDDEN);
  CHECK_RC(inscrire_learners_v2_as(strict, UAI, NULL, NULL, 0, 0, NULL, &list),
           INSCRIRE_E_FORBIDDEN);
  CHECK_OK(inscrire_learners_v2_as(strict, UAI, NULL, NULL, 0, 0, operator_actor, &list));
  inscrire_learner_account_list_free(list);
  CHECK_OK(inscrire_actor_staff(member_token, &member));
  CHECK_OK(inscrire_learners_v2_as(strict, UAI, NULL, NULL, 1, 0, member, &list));
  CHECK(inscrire_learner_account_list_count(list) == 1);
  inscrire_learner_account_list_free(list);
  CHECK_OK(inscrire_actor_staff(admin_token, &admin));
  CHECK_RC(inscrire_learners_v2_as(strict, UAI, NULL, NULL, 0, 0, admin, &list),
           INSCRIRE_E_SECOND_FACTOR_ENROLMENT_REQUIRED);
  CHECK(list == NULL);
  inscrire_actor_free(admin);
  inscrire_actor_free(member);
  inscrire_db_free(strict);
}

/* The other `_as` variants answer as their siblings for the operator and refuse the MEMBER
 * what the table keeps for ADMINs. */
static void test_the_other_as_variants(void) {
  inscrire_actor *member = NULL;
  inscrire_campaign *campaign = NULL;
  inscrire_learner_list *learners = NULL;
  inscrire_participant_list *participants = NULL;
  inscrire_account_details *details = NULL;
  inscrire_credentials *credentials = NULL;
  char *text = NULL, *stored = NULL;
  char code[32], username[64];
  const char *ines[1];

  CHECK_OK(inscrire_actor_staff(member_token, &member));
  CHECK_OK(inscrire_create_campaign_as(db, UAI, "Pix 5B", "5B", "PIX", NULL, member, &campaign));
  copy_text(code, sizeof code, inscrire_campaign_code(campaign));
  inscrire_campaign_free(campaign);
  CHECK_OK(inscrire_not_joined_as(db, code, member, &learners));
  CHECK(inscrire_learner_list_count(learners) > 0);
  inscrire_learner_list_free(learners);
  CHECK_OK(inscrire_campaign_participants_as(db, code, member, &participants));
  CHECK(inscrire_participant_list_count(participants) > 0);
  inscrire_participant_list_free(participants);
  CHECK_OK(inscrire_class_sheet_as(db, code, NULL, member, &text));
  CHECK(text != NULL && strstr(text, "Victor Hugo") != NULL);
  inscrire_string_free(text);
  text = NULL;
  /* An unknown code is FORBIDDEN for staff (as another school's), CAMPAIGN_NOT_FOUND for the
   * operator. */
  CHECK_RC(inscrire_not_joined_as(db, "ZZZZZZ999", member, &learners), INSCRIRE_E_FORBIDDEN);
  CHECK_RC(inscrire_not_joined_as(db, "ZZZZZZ999", operator_actor, &learners),
           INSCRIRE_E_CAMPAIGN_NOT_FOUND);

  /* Credentials for Allan alone, then his account as the MEMBER sees it. */
  ines[0] = ALLAN_INE;
  CHECK_OK(inscrire_generate_credentials_v2_as(db, UAI, "5A", 0, ines, 1, member, &credentials));
  CHECK(inscrire_credentials_created(credentials) == 1);
  copy_text(username, sizeof username, inscrire_credentials_username(credentials, 0));
  inscrire_credentials_free(credentials);
  CHECK_OK(inscrire_account_as(db, username, member, &details));
  CHECK(inscrire_account_details_learner_count(details) == 1);
  inscrire_account_details_free(details);
  CHECK_OK(inscrire_reset_password_as(db, UAI, username, member, &text));
  inscrire_string_free(text);
  text = NULL;
  CHECK_OK(inscrire_unblock_as(db, UAI, username, member));

  /* What only an ADMIN may do. */
  CHECK_RC(inscrire_export_learner_as(db, UAI, ALLAN_INE, member, &text), INSCRIRE_E_FORBIDDEN);
  CHECK(text == NULL);
  CHECK_RC(inscrire_dissociate_as(db, UAI, ALLAN_INE, member), INSCRIRE_E_FORBIDDEN);
  CHECK_RC(inscrire_anonymize_learner_as(db, UAI, ALLAN_INE, member), INSCRIRE_E_FORBIDDEN);
  CHECK_RC(inscrire_import_account_as(db, UAI, MAELYS_INE, "Maelys.Moreau1808", BCRYPT_HASH, member,
                                      &stored),
           INSCRIRE_E_FORBIDDEN);
  CHECK(stored == NULL);

  /* The operator may. */
  CHECK_OK(inscrire_export_learner_as(db, UAI, ALLAN_INE, operator_actor, &text));
  CHECK(text != NULL && text[0] == '{');
  inscrire_string_free(text);
  CHECK_OK(inscrire_dissociate_as(db, UAI, ALLAN_INE, operator_actor));
  CHECK_OK(inscrire_anonymize_learner_as(db, UAI, ALLAN_INE, NULL));
  CHECK_OK(inscrire_import_account_as(db, UAI, MAELYS_INE, "Maelys.Moreau1808", BCRYPT_HASH,
                                      operator_actor, &stored));
  CHECK_STR(stored, "maelys.moreau1808");
  inscrire_string_free(stored);
  CHECK_RC(inscrire_import_account_as(db, UAI, MAELYS_INE, "maelys.moreau1808", BCRYPT_HASH,
                                      operator_actor, NULL),
           INSCRIRE_E_LEARNER_ALREADY_LINKED);
  inscrire_actor_free(member);
}

/* Accessors of NULL objects and indexes out of range answer NULL or 0; frees accept NULL;
 * required arguments that are NULL are refused. */
static void test_null_objects(void) {
  inscrire_staff_session *session = NULL;
  inscrire_staff_invitation *invitation = NULL;
  CHECK(inscrire_staff_invitation_id(NULL) == 0);
  CHECK(inscrire_staff_invitation_code(NULL) == NULL);
  CHECK(inscrire_staff_invitation_role(NULL) == NULL);
  CHECK(inscrire_staff_login_result_session_token(NULL) == NULL);
  CHECK(inscrire_staff_login_result_username(NULL) == NULL);
  CHECK(inscrire_staff_login_result_expires_at(NULL) == 0);
  CHECK(inscrire_staff_login_result_password_change_required(NULL) == 0);
  CHECK(inscrire_staff_login_result_change_token(NULL) == NULL);
  CHECK(inscrire_staff_session_username(NULL) == NULL);
  CHECK(inscrire_staff_session_membership_count(NULL) == 0);
  CHECK(inscrire_staff_session_membership_uai(NULL, 0) == NULL);
  CHECK(inscrire_staff_session_membership_role(NULL, 0) == NULL);
  CHECK(inscrire_staff_member_list_count(NULL) == 0);
  CHECK(inscrire_staff_member_list_username(NULL, 0) == NULL);
  CHECK(inscrire_staff_member_list_last_login_at(NULL, 0) == 0);
  CHECK(inscrire_pending_invitation_list_count(NULL) == 0);
  CHECK(inscrire_pending_invitation_list_id(NULL, 0) == 0);
  CHECK(inscrire_pending_invitation_list_created_by(NULL, 0) == NULL);
  CHECK(inscrire_second_factor_enrolment_secret(NULL) == NULL);
  CHECK(inscrire_second_factor_enrolment_qr_svg(NULL) == NULL);
  CHECK(inscrire_string_list_count(NULL) == 0);
  CHECK(inscrire_string_list_get(NULL, 0) == NULL);
  CHECK(inscrire_audit_row_list_count(NULL) == 0);
  CHECK(inscrire_audit_row_list_at(NULL, 0) == 0);
  CHECK(inscrire_audit_row_list_outcome(NULL, 0) == NULL);
  inscrire_actor_free(NULL);
  inscrire_staff_invitation_free(NULL);
  inscrire_staff_login_result_free(NULL);
  inscrire_staff_session_free(NULL);
  inscrire_staff_member_list_free(NULL);
  inscrire_pending_invitation_list_free(NULL);
  inscrire_second_factor_enrolment_free(NULL);
  inscrire_string_list_free(NULL);
  inscrire_audit_row_list_free(NULL);
  CHECK_RC(inscrire_staff_authenticate(NULL, "token", &session), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_staff_authenticate(db, NULL, &session), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_staff_logout(db, NULL), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_invite_staff(db, UAI, NULL, 0, NULL, &invitation), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_invite_staff(db, UAI, "ADMIN", 0, NULL, NULL), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_accept_staff_invitation_as(db, "ABCD-EFGH-2345", NULL, NULL, &session),
           INSCRIRE_E_INVALID_ARGUMENT);
  CHECK(session == NULL);
  /* Only a staff session accepts an invitation that way. */
  CHECK_RC(
      inscrire_accept_staff_invitation_as(db, "ABCD-EFGH-2345", operator_actor, NULL, &session),
      INSCRIRE_E_INVALID_ARGUMENT);
}

/* An account already logged in accepts an invitation into a second school. */
static void test_an_invitation_accepted_by_a_member(void) {
  inscrire_staff_invitation *invitation = NULL;
  inscrire_staff_session *session = NULL;
  inscrire_actor *member = NULL;
  char code[32];

  CHECK_OK(inscrire_invite_staff(db, OTHER_UAI, "ADMIN", 1, operator_actor, &invitation));
  copy_text(code, sizeof code, inscrire_staff_invitation_code(invitation));
  inscrire_staff_invitation_free(invitation);
  CHECK_OK(inscrire_actor_staff(member_token, &member));
  CHECK_OK(inscrire_accept_staff_invitation_as(db, code, member, "10.0.0.3", &session));
  CHECK_STR(inscrire_staff_session_username(session), MEMBER);
  CHECK(inscrire_staff_session_membership_count(session) == 2);
  inscrire_staff_session_free(session);
  CHECK_RC(inscrire_accept_staff_invitation_as(db, code, member, NULL, &session),
           INSCRIRE_E_INVITATION_INVALID);
  CHECK(session == NULL);
  inscrire_actor_free(member);
}

int main(int argc, char **argv) {
  inscrire_options *options;
  if (argc != 2) {
    fprintf(stderr, "usage: %s DATA_DIR\n", argv[0]);
    return 2;
  }
  data_dir = argv[1];
  path_in(roster, sizeof roster, data_dir, "siecle-0751234A.xml");
  if (make_temp_dir(temp_dir, sizeof temp_dir) != 0) return 2;

  test_options_are_checked_by_the_core();
  test_actors();
  options = test_options();
  db = open_db(options);
  inscrire_options_free(options);
  test_the_first_admin_is_invited_by_the_operator();
  test_an_admin_acts_on_their_school_only();
  test_a_member_is_refused_an_import();
  test_roles_and_the_last_admin();
  test_pending_invitations();
  test_a_staff_password_reset();
  test_an_asserted_identity();
  test_a_second_factor();
  test_the_audit_log();
  test_second_factor_resets();
  test_require_staff_and_the_policy();
  test_the_other_as_variants();
  test_null_objects();
  test_an_invitation_accepted_by_a_member();

  inscrire_actor_free(operator_actor);
  inscrire_db_free(db);
  remove_tree(temp_dir);
  if (check_failures != 0) fprintf(stderr, "%d check(s) failed\n", check_failures);
  return check_failures == 0 ? 0 : 1;
}
