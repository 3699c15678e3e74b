/* The pupil's and the school's journey through the C API, from C99: sessions (authenticate,
 * logout, ended by a password change), participations STARTED -> TO_SHARE -> SHARED, the
 * teacher's participant list, the admin views of learners and accounts, dissociation, the safer
 * bulk credentials, unarchiving and deleting campaigns, the start-of-year kit (another class's
 * code, renaming, search, slips), and the options of these.
 * Usage: capi_test_journey DATA_DIR (the project's data/ directory). */
#define _XOPEN_SOURCE 700

#include <time.h>

#include "check.h"

#define UAI "0751234A"
#define PASSWORD "Secret123x"
#define NEW_PASSWORD "Girouette77"
#define ALLAN_INE "552340183SS"

static const char *data_dir;
static char temp_dir[64];

/* A database with cheap Argon2 and the given session lifetime and temporary password days
 * (0: the defaults), its school, the sample roster, and a campaign for 5A whose code is
 * written to `code`. */
static inscrire_db *open_school(const char *name, int session_seconds, int temporary_days,
                                char *code) {
  char path[256], roster[256];
  inscrire_options *options = NULL;
  inscrire_db *db = NULL;
  inscrire_import_report *report = NULL;
  inscrire_campaign *campaign = NULL;
  CHECK_OK(inscrire_options_new(&options));
  CHECK_OK(inscrire_options_set_hash_memory(options, 1024));
  CHECK_OK(inscrire_options_set_hash_iterations(options, 1));
  CHECK_OK(inscrire_options_set_language(options, INSCRIRE_LANGUAGE_ENGLISH));
  if (session_seconds != 0) {
    CHECK_OK(inscrire_options_set_session_lifetime(options, session_seconds));
  }
  if (temporary_days != 0) {
    CHECK_OK(inscrire_options_set_temporary_password_days(options, temporary_days));
  }
  CHECK_OK(inscrire_db_open_v2(path_in(path, sizeof path, temp_dir, name), options, &db));
  inscrire_options_free(options);
  CHECK_OK(inscrire_create_organization(db, UAI, "Collège Victor Hugo"));
  CHECK_OK(inscrire_import_roster(
      db, UAI, path_in(roster, sizeof roster, data_dir, "siecle-0751234A.xml"), 0, &report));
  inscrire_import_report_free(report);
  CHECK_OK(inscrire_create_campaign(db, UAI, "Pix 5A", "5A", NULL, &campaign));
  strcpy(code, inscrire_campaign_code(campaign));
  inscrire_campaign_free(campaign);
  return db;
}

/* Logs in with a password that needs no change; the session token goes to `token`. */
static void login(inscrire_db *db, const char *username, const char *password, char *token) {
  inscrire_login_result *result = NULL;
  token[0] = '\0';
  CHECK_OK(inscrire_login(db, username, password, &result));
  CHECK(inscrire_login_result_status(result) == INSCRIRE_OK);
  if (inscrire_login_result_session_token(result) != NULL) {
    strcpy(token, inscrire_login_result_session_token(result));
  }
  inscrire_login_result_free(result);
}

/* Registers Allan POE of 5A; his username goes to `username`. */
static void register_allan(inscrire_db *db, const char *code, const char *password,
                           char *username) {
  inscrire_registration *reg = NULL;
  username[0] = '\0';
  CHECK_OK(inscrire_register(db, code, "Allan", "POE", "01/03/2014", password, NULL, &reg));
  if (reg != NULL) strcpy(username, inscrire_registration_username(reg));
  inscrire_registration_free(reg);
}

/* The index of Allan POE in the list (5A has a twin POE), or the list's count when absent. */
static size_t allan_index(const inscrire_participant_list *list) {
  size_t i;
  for (i = 0; i < inscrire_participant_list_count(list); ++i) {
    if (strcmp(inscrire_participant_list_last_name(list, i), "POE") == 0 &&
        strcmp(inscrire_participant_list_first_name(list, i), "Allan") == 0) {
      break;
    }
  }
  return i;
}

/* The status of Allan in the campaign's participant list ("" when absent). */
static void allan_in_participants(inscrire_db *db, const char *code, char *status, char *username) {
  inscrire_participant_list *list = NULL;
  size_t allan;
  status[0] = username[0] = '\0';
  CHECK_OK(inscrire_campaign_participants(db, code, &list));
  allan = allan_index(list);
  if (allan < inscrire_participant_list_count(list)) {
    const char *name = inscrire_participant_list_username(list, allan);
    strcpy(status, inscrire_participant_list_status(list, allan));
    strcpy(username, name == NULL ? "" : name);
  }
  inscrire_participant_list_free(list);
}

static void test_options(void) {
  inscrire_options *options = NULL;
  CHECK_OK(inscrire_options_new(&options));
  CHECK_RC(inscrire_options_set_session_lifetime(options, 0), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_options_set_session_lifetime(options, -5), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_options_set_temporary_password_days(options, 0), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_OK(inscrire_options_set_session_lifetime(options, 60));
  CHECK_OK(inscrire_options_set_temporary_password_days(options, 1));
  inscrire_options_free(options);
  CHECK_RC(inscrire_options_set_session_lifetime(NULL, 60), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_options_set_temporary_password_days(NULL, 1), INSCRIRE_E_INVALID_ARGUMENT);
}

/* Accessors of NULL objects and indexes out of range answer NULL or 0; frees accept NULL. */
static void test_null_objects(void) {
  CHECK(inscrire_session_username(NULL) == NULL);
  CHECK(inscrire_session_expires_at(NULL) == 0);
  CHECK(inscrire_session_learner_count(NULL) == 0);
  CHECK(inscrire_session_learner_uai(NULL, 0) == NULL);
  CHECK(inscrire_session_learner_disabled(NULL, 0) == 0);
  CHECK(inscrire_participation_list_count(NULL) == 0);
  CHECK(inscrire_participation_list_get(NULL, 0) == NULL);
  CHECK(inscrire_participation_status(NULL) == NULL);
  CHECK(inscrire_participation_started_at(NULL) == 0);
  CHECK(inscrire_participation_shared_at(NULL) == 0);
  CHECK(inscrire_participant_list_count(NULL) == 0);
  CHECK(inscrire_participant_list_status(NULL, 0) == NULL);
  CHECK(inscrire_participant_list_started_at(NULL, 0) == 0);
  CHECK(inscrire_participant_list_csv(NULL) == NULL);
  CHECK(inscrire_learner_account_list_count(NULL) == 0);
  CHECK(inscrire_learner_account_list_get(NULL, 0) == NULL);
  CHECK(inscrire_learner_account_learner(NULL) == NULL);
  CHECK(inscrire_learner_account_state(NULL) == NULL);
  CHECK(inscrire_learner_account_account(NULL) == NULL);
  CHECK(inscrire_account_view_username(NULL) == NULL);
  CHECK(inscrire_account_view_blocked(NULL) == NULL);
  CHECK(inscrire_account_view_last_login_at(NULL) == 0);
  CHECK(inscrire_account_view_participations(NULL) == 0);
  CHECK(inscrire_account_details_account(NULL) == NULL);
  CHECK(inscrire_account_details_learner_count(NULL) == 0);
  CHECK(inscrire_account_details_learner(NULL, 0) == NULL);
  CHECK(inscrire_credentials_created(NULL) == 0);
  CHECK(inscrire_credentials_reset(NULL) == 0);
  CHECK(inscrire_credentials_unchanged(NULL) == 0);
  inscrire_session_free(NULL);
  inscrire_participation_free(NULL);
  inscrire_participation_list_free(NULL);
  inscrire_participant_list_free(NULL);
  inscrire_learner_account_free(NULL);
  inscrire_learner_account_list_free(NULL);
  inscrire_account_details_free(NULL);
}

static void test_sessions(void) {
  char code[16], username[64], token[128], other[128];
  inscrire_db *db = open_school("sessions.db", 3600, 0, code);
  inscrire_session *session = (inscrire_session *)&session;
  int64_t now;

  register_allan(db, code, PASSWORD, username);
  login(db, username, PASSWORD, token);
  now = (int64_t)time(NULL);
  CHECK_OK(inscrire_authenticate(db, token, &session));
  CHECK_STR(inscrire_session_username(session), username);
  /* The lifetime chosen in the options. */
  CHECK(inscrire_session_expires_at(session) >= now + 3600 - 5);
  CHECK(inscrire_session_expires_at(session) <= now + 3600 + 5);
  CHECK(inscrire_session_learner_count(session) == 1);
  CHECK_STR(inscrire_session_learner_uai(session, 0), UAI);
  CHECK_STR(inscrire_session_learner_school(session, 0), "Collège Victor Hugo");
  CHECK_STR(inscrire_session_learner_division(session, 0), "5A");
  CHECK_STR(inscrire_session_learner_first_name(session, 0), "Allan");
  CHECK_STR(inscrire_session_learner_last_name(session, 0), "POE");
  CHECK(inscrire_session_learner_disabled(session, 0) == 0);
  CHECK(inscrire_session_learner_uai(session, 1) == NULL);
  inscrire_session_free(session);

  session = (inscrire_session *)&session;
  CHECK_RC(inscrire_authenticate(db, "not-a-token", &session), INSCRIRE_E_SESSION_INVALID);
  CHECK(session == NULL);
  CHECK_RC(inscrire_authenticate(db, NULL, &session), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_authenticate(db, token, NULL), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_authenticate(NULL, token, &session), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_authenticate(db, "\xff", &session), INSCRIRE_E_INVALID_UTF8);

  /* After logout the old session is refused, and logging out twice is refused too; another
   * session of the same account lives on. */
  login(db, username, PASSWORD, other);
  CHECK_OK(inscrire_logout(db, token));
  CHECK_RC(inscrire_authenticate(db, token, &session), INSCRIRE_E_SESSION_INVALID);
  CHECK_RC(inscrire_participations(db, token, NULL), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_logout(db, token), INSCRIRE_E_SESSION_INVALID);
  CHECK_RC(inscrire_logout(NULL, token), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_logout(db, NULL), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_OK(inscrire_authenticate(db, other, &session));
  inscrire_session_free(session);

  /* A password change ends every session of the account. */
  CHECK_OK(inscrire_change_password(db, username, PASSWORD, NEW_PASSWORD));
  CHECK_RC(inscrire_authenticate(db, other, &session), INSCRIRE_E_SESSION_INVALID);
  CHECK_RC(inscrire_complete_participation(db, other, code, NULL), INSCRIRE_E_SESSION_INVALID);
  login(db, username, NEW_PASSWORD, token);
  CHECK_OK(inscrire_authenticate(db, token, &session));
  inscrire_session_free(session);
  inscrire_db_free(db);
}

/* The pupil's steps, and the teacher's list following them from NOT_JOINED to SHARED. */
static void test_participations(void) {
  char code[16], username[64], token[128], status[32], listed[64];
  inscrire_db *db = open_school("participations.db", 0, 0, code);
  inscrire_participation_list *mine = (inscrire_participation_list *)&mine;
  inscrire_participation *step = (inscrire_participation *)&step;
  inscrire_participant_list *list = NULL;
  const inscrire_participation *first;
  size_t allan;

  allan_in_participants(db, code, status, listed);
  CHECK_STR(status, "NOT_JOINED");
  CHECK_STR(listed, "");
  CHECK_OK(inscrire_campaign_participants(db, code, &list));
  CHECK(inscrire_participant_list_count(list) == 17);
  CHECK_STR(inscrire_participant_list_division(list, 0), "5A");
  allan = allan_index(list);
  CHECK(inscrire_participant_list_username(list, allan) == NULL);
  CHECK(inscrire_participant_list_started_at(list, allan) == 0);
  CHECK(inscrire_participant_list_status(list, 17) == NULL);
  CHECK(strstr(inscrire_participant_list_csv(list),
               "Classe;Nom;Prénom;Identifiant;Statut;Commencé le;Partagé le\r\n") != NULL);
  CHECK(strstr(inscrire_participant_list_csv(list), "5A;POE;Allan;;NOT_JOINED;;\r\n") != NULL);
  inscrire_participant_list_free(list);
  CHECK_RC(inscrire_campaign_participants(db, "ZZZZZZ999", &list), INSCRIRE_E_CAMPAIGN_NOT_FOUND);
  CHECK(list == NULL);

  register_allan(db, code, PASSWORD, username);
  allan_in_participants(db, code, status, listed);
  CHECK_STR(status, "STARTED");
  CHECK_STR(listed, username);

  login(db, username, PASSWORD, token);
  CHECK_OK(inscrire_participations(db, token, &mine));
  CHECK(inscrire_participation_list_count(mine) == 1);
  first = inscrire_participation_list_get(mine, 0);
  CHECK_STR(inscrire_participation_code(first), code);
  CHECK_STR(inscrire_participation_campaign(first), "Pix 5A");
  CHECK_STR(inscrire_participation_uai(first), UAI);
  CHECK_STR(inscrire_participation_school(first), "Collège Victor Hugo");
  CHECK_STR(inscrire_participation_status(first), "STARTED");
  CHECK(inscrire_participation_started_at(first) > 0);
  CHECK(inscrire_participation_completed_at(first) == 0);
  CHECK(inscrire_participation_shared_at(first) == 0);
  CHECK(inscrire_participation_list_get(mine, 1) == NULL);
  inscrire_participation_list_free(mine);
  CHECK_RC(inscrire_participations(db, "expired", &mine), INSCRIRE_E_SESSION_INVALID);
  CHECK(mine == NULL);

  /* Out of order: refused, and nothing changes. */
  CHECK_RC(inscrire_share_participation(db, token, code, &step),
           INSCRIRE_E_INVALID_PARTICIPATION_STATUS);
  CHECK(step == NULL);
  CHECK_OK(inscrire_complete_participation(db, token, code, &step));
  CHECK_STR(inscrire_participation_status(step), "TO_SHARE");
  CHECK(inscrire_participation_completed_at(step) >= inscrire_participation_started_at(step));
  inscrire_participation_free(step);
  allan_in_participants(db, code, status, listed);
  CHECK_STR(status, "TO_SHARE");
  CHECK_RC(inscrire_complete_participation(db, token, code, NULL),
           INSCRIRE_E_INVALID_PARTICIPATION_STATUS);
  CHECK_OK(inscrire_share_participation(db, token, code, &step));
  CHECK_STR(inscrire_participation_status(step), "SHARED");
  CHECK(inscrire_participation_shared_at(step) > 0);
  inscrire_participation_free(step);
  CHECK_RC(inscrire_share_participation(db, token, code, NULL),
           INSCRIRE_E_INVALID_PARTICIPATION_STATUS);
  CHECK_RC(inscrire_complete_participation(db, token, "ZZZZZZ999", NULL),
           INSCRIRE_E_CAMPAIGN_NOT_FOUND);
  CHECK_RC(inscrire_complete_participation(db, token, NULL, NULL), INSCRIRE_E_INVALID_ARGUMENT);

  CHECK_OK(inscrire_campaign_participants(db, code, &list));
  allan = allan_index(list);
  CHECK_STR(inscrire_participant_list_status(list, allan), "SHARED");
  CHECK(inscrire_participant_list_started_at(list, allan) > 0);
  CHECK(inscrire_participant_list_completed_at(list, allan) > 0);
  CHECK(inscrire_participant_list_shared_at(list, allan) > 0);
  CHECK(strstr(inscrire_participant_list_csv(list), ";SHARED;") != NULL);
  inscrire_participant_list_free(list);

  /* A campaign the account has no participation in. */
  {
    inscrire_campaign *other = NULL;
    CHECK_OK(inscrire_create_campaign(db, UAI, "Pix 4B", "4B", NULL, &other));
    CHECK_RC(inscrire_complete_participation(db, token, inscrire_campaign_code(other), NULL),
             INSCRIRE_E_PARTICIPATION_NOT_FOUND);
    inscrire_campaign_free(other);
  }
  inscrire_db_free(db);
}

/* The row of `list` whose learner has that INE, or NULL. */
static const inscrire_learner_account *row_with_ine(const inscrire_learner_account_list *list,
                                                    const char *ine) {
  size_t i;
  for (i = 0; i < inscrire_learner_account_list_count(list); ++i) {
    const inscrire_learner_account *row = inscrire_learner_account_list_get(list, i);
    if (strcmp(inscrire_learner_ine(inscrire_learner_account_learner(row)), ine) == 0) return row;
  }
  return NULL;
}

static void test_admin_views(void) {
  char code[16], username[64], token[128];
  inscrire_db *db = open_school("views.db", 0, 0, code);
  inscrire_learner_account_list *list = (inscrire_learner_account_list *)&list;
  inscrire_learner_account *row = (inscrire_learner_account *)&row;
  inscrire_account_details *details = (inscrire_account_details *)&details;
  const inscrire_learner_account *allan;
  const inscrire_account_view *account;

  register_allan(db, code, PASSWORD, username);
  login(db, username, PASSWORD, token);

  CHECK_OK(inscrire_learners_v2(db, UAI, "5A", NULL, 0, 0, &list));
  CHECK(inscrire_learner_account_list_count(list) == 17);
  allan = row_with_ine(list, ALLAN_INE);
  CHECK(allan != NULL);
  CHECK_STR(inscrire_learner_account_state(allan), "active");
  account = inscrire_learner_account_account(allan);
  CHECK_STR(inscrire_account_view_username(account), username);
  CHECK(inscrire_account_view_must_change_password(account) == 0);
  CHECK_STR(inscrire_account_view_blocked(account), "none");
  CHECK(inscrire_account_view_blocked_until(account) == 0);
  CHECK(inscrire_account_view_failed_attempts(account) == 0);
  CHECK(inscrire_account_view_disabled(account) == 0);
  CHECK(inscrire_account_view_last_login_at(account) > 0);
  CHECK(inscrire_account_view_temporary_expires_at(account) == 0);
  CHECK(inscrire_account_view_participations(account) == 1);
  CHECK(inscrire_learner_account_list_get(list, 17) == NULL);
  inscrire_learner_account_list_free(list);

  /* Filters by state, and paging. */
  CHECK_OK(inscrire_learners_v2(db, UAI, "5A", "no_account", 0, 0, &list));
  CHECK(inscrire_learner_account_list_count(list) == 16);
  CHECK(inscrire_learner_account_account(inscrire_learner_account_list_get(list, 0)) == NULL);
  CHECK_STR(inscrire_learner_account_state(inscrire_learner_account_list_get(list, 0)),
            "no_account");
  CHECK(row_with_ine(list, ALLAN_INE) == NULL);
  inscrire_learner_account_list_free(list);
  CHECK_OK(inscrire_learners_v2(db, UAI, NULL, "active", 0, 0, &list));
  CHECK(inscrire_learner_account_list_count(list) == 1);
  inscrire_learner_account_list_free(list);
  CHECK_OK(inscrire_learners_v2(db, UAI, "5A", NULL, 5, 15, &list));
  CHECK(inscrire_learner_account_list_count(list) == 2);
  inscrire_learner_account_list_free(list);
  CHECK_OK(inscrire_learners_v2(db, UAI, NULL, NULL, 0, 0, &list));
  CHECK(inscrire_learner_account_list_count(list) == 100);
  inscrire_learner_account_list_free(list);
  CHECK_RC(inscrire_learners_v2(db, UAI, NULL, "sleeping", 0, 0, &list),
           INSCRIRE_E_INVALID_ARGUMENT);
  CHECK(list == NULL);
  CHECK_RC(inscrire_learners_v2(db, UAI, NULL, NULL, -1, 0, &list), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_learners_v2(db, UAI, NULL, NULL, 1001, 0, &list), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_learners_v2(db, UAI, NULL, NULL, 10, -1, &list), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_learners_v2(db, "9999999Z", NULL, NULL, 0, 0, &list),
           INSCRIRE_E_ORGANIZATION_NOT_FOUND);
  CHECK_RC(inscrire_learners_v2(db, UAI, NULL, NULL, 0, 0, NULL), INSCRIRE_E_INVALID_ARGUMENT);

  /* One learner, one account. */
  CHECK_OK(inscrire_find_learner(db, UAI, ALLAN_INE, &row));
  CHECK_STR(inscrire_learner_first_name(inscrire_learner_account_learner(row)), "Allan");
  CHECK_STR(inscrire_learner_account_state(row), "active");
  CHECK_STR(inscrire_account_view_username(inscrire_learner_account_account(row)), username);
  inscrire_learner_account_free(row);
  CHECK_RC(inscrire_find_learner(db, UAI, "999999999ZZ", &row), INSCRIRE_E_LEARNER_NOT_FOUND);
  CHECK(row == NULL);

  CHECK_OK(inscrire_account(db, username, &details));
  CHECK_STR(inscrire_account_view_username(inscrire_account_details_account(details)), username);
  CHECK(inscrire_account_details_learner_count(details) == 1);
  CHECK_STR(inscrire_account_details_learner_uai(details, 0), UAI);
  CHECK_STR(inscrire_account_details_learner_school(details, 0), "Collège Victor Hugo");
  CHECK_STR(inscrire_learner_ine(inscrire_account_details_learner(details, 0)), ALLAN_INE);
  CHECK(inscrire_account_details_learner(details, 1) == NULL);
  CHECK(inscrire_account_details_learner_uai(details, 1) == NULL);
  inscrire_account_details_free(details);
  CHECK_RC(inscrire_account(db, "nobody.here0101", &details), INSCRIRE_E_USER_NOT_FOUND);
  CHECK(details == NULL);

  /* Wrong passwords show in the account's state. */
  CHECK_RC(inscrire_login(db, username, "Wrong123x", NULL), INSCRIRE_E_INVALID_ARGUMENT);
  {
    inscrire_login_result *result = NULL;
    CHECK_RC(inscrire_login(db, username, "Wrong123x", &result), INSCRIRE_E_INVALID_CREDENTIALS);
  }
  CHECK_OK(inscrire_account(db, username, &details));
  CHECK(inscrire_account_view_failed_attempts(inscrire_account_details_account(details)) == 1);
  inscrire_account_details_free(details);
  inscrire_db_free(db);
}

/* A dissociated learner registers again with a new account; the old one keeps its
 * participations and its sessions. */
static void test_dissociate(void) {
  char code[16], old_name[64], new_name[64], old_token[128], new_token[128], status[32], listed[64];
  inscrire_db *db = open_school("dissociate.db", 0, 0, code);
  inscrire_learner_account *row = NULL;
  inscrire_participation_list *list = NULL;
  inscrire_account_details *details = NULL;

  register_allan(db, code, PASSWORD, old_name);
  login(db, old_name, PASSWORD, old_token);
  CHECK_OK(inscrire_complete_participation(db, old_token, code, NULL));

  CHECK_OK(inscrire_dissociate(db, UAI, ALLAN_INE, "mme.dupont"));
  CHECK_RC(inscrire_dissociate(db, UAI, ALLAN_INE, NULL), INSCRIRE_E_LEARNER_NOT_LINKED);
  CHECK_RC(inscrire_dissociate(db, UAI, "999999999ZZ", NULL), INSCRIRE_E_LEARNER_NOT_FOUND);
  CHECK_RC(inscrire_dissociate(db, UAI, NULL, NULL), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_dissociate(NULL, UAI, ALLAN_INE, NULL), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_OK(inscrire_find_learner(db, UAI, ALLAN_INE, &row));
  CHECK_STR(inscrire_learner_account_state(row), "no_account");
  CHECK(inscrire_learner_account_account(row) == NULL);
  inscrire_learner_account_free(row);
  allan_in_participants(db, code, status, listed);
  CHECK_STR(status, "NOT_JOINED");

  register_allan(db, code, NEW_PASSWORD, new_name);
  CHECK(new_name[0] != '\0');
  CHECK(strcmp(new_name, old_name) != 0);
  CHECK(strncmp(new_name, "allan.poe", 9) == 0);
  allan_in_participants(db, code, status, listed);
  CHECK_STR(status, "STARTED");
  CHECK_STR(listed, new_name);

  /* The old account still logs in and keeps its participation, at its step. */
  CHECK_OK(inscrire_participations(db, old_token, &list));
  CHECK(inscrire_participation_list_count(list) == 1);
  CHECK_STR(inscrire_participation_status(inscrire_participation_list_get(list, 0)), "TO_SHARE");
  inscrire_participation_list_free(list);
  CHECK_OK(inscrire_account(db, old_name, &details));
  CHECK(inscrire_account_view_participations(inscrire_account_details_account(details)) == 1);
  CHECK(inscrire_account_details_learner_count(details) == 0);
  inscrire_account_details_free(details);
  login(db, new_name, NEW_PASSWORD, new_token);
  CHECK_OK(inscrire_participations(db, new_token, &list));
  CHECK(inscrire_participation_list_count(list) == 1);
  CHECK_STR(inscrire_participation_status(inscrire_participation_list_get(list, 0)), "STARTED");
  inscrire_participation_list_free(list);
  inscrire_db_free(db);
}

/* The first row of the credentials with a temporary password other than `username`'s. */
static size_t first_with_password(const inscrire_credentials *credentials) {
  size_t i;
  for (i = 0; i < inscrire_credentials_count(credentials); ++i) {
    if (inscrire_credentials_temporary_password(credentials, i)[0] != '\0') break;
  }
  return i;
}

static void test_credentials(void) {
  char code[16], username[64], token[128], other[64];
  inscrire_db *db = open_school("credentials.db", 0, 7, code);
  inscrire_credentials *credentials = (inscrire_credentials *)&credentials;
  inscrire_login_result *result = NULL;
  inscrire_account_details *details = NULL;
  const char *listed[1];
  size_t i, row;
  int64_t now;

  register_allan(db, code, PASSWORD, username);
  login(db, username, PASSWORD, token);

  /* The default leaves the registered pupil alone: he still logs in, his session lives on. */
  now = (int64_t)time(NULL);
  CHECK_OK(inscrire_generate_credentials(db, UAI, "5A", NULL, &credentials));
  CHECK(inscrire_credentials_created(credentials) == 16);
  CHECK(inscrire_credentials_reset(credentials) == 0);
  CHECK(inscrire_credentials_unchanged(credentials) == 1);
  CHECK(inscrire_credentials_count(credentials) == 17);
  for (i = 0; i < inscrire_credentials_count(credentials); ++i) {
    if (strcmp(inscrire_credentials_username(credentials, i), username) == 0) {
      CHECK_STR(inscrire_credentials_temporary_password(credentials, i), "");
    }
  }
  row = first_with_password(credentials);
  CHECK(row < inscrire_credentials_count(credentials));
  strcpy(other, inscrire_credentials_username(credentials, row));
  inscrire_credentials_free(credentials);
  login(db, username, PASSWORD, token);
  CHECK(token[0] != '\0');
  /* The temporary password expires after the days of the options. */
  CHECK_OK(inscrire_account(db, other, &details));
  CHECK(inscrire_account_view_must_change_password(inscrire_account_details_account(details)));
  CHECK(inscrire_account_view_temporary_expires_at(inscrire_account_details_account(details)) >=
        now + 7 * 86400 - 5);
  CHECK(inscrire_account_view_temporary_expires_at(inscrire_account_details_account(details)) <=
        now + 7 * 86400 + 5);
  inscrire_account_details_free(details);

  /* A second run through _v2 with no flag: nothing created, nothing reset. */
  CHECK_OK(inscrire_generate_credentials_v2(db, UAI, "5A", 0, NULL, 0, NULL, &credentials));
  CHECK(inscrire_credentials_created(credentials) == 0);
  CHECK(inscrire_credentials_reset(credentials) == 0);
  CHECK(inscrire_credentials_unchanged(credentials) == 17);
  CHECK(first_with_password(credentials) == inscrire_credentials_count(credentials));
  inscrire_credentials_free(credentials);

  /* A chosen INE: only that account is reset; its sessions end. */
  listed[0] = ALLAN_INE;
  CHECK_OK(
      inscrire_generate_credentials_v2(db, UAI, "5A", 0, listed, 1, "mme.dupont", &credentials));
  CHECK(inscrire_credentials_created(credentials) == 0);
  CHECK(inscrire_credentials_reset(credentials) == 1);
  CHECK(inscrire_credentials_unchanged(credentials) == 16);
  row = first_with_password(credentials);
  CHECK_STR(inscrire_credentials_username(credentials, row), username);
  CHECK_OK(inscrire_login(db, username, inscrire_credentials_temporary_password(credentials, row),
                          &result));
  CHECK(inscrire_login_result_status(result) == INSCRIRE_E_PASSWORD_CHANGE_REQUIRED);
  inscrire_login_result_free(result);
  inscrire_credentials_free(credentials);
  CHECK_RC(inscrire_logout(db, token), INSCRIRE_E_SESSION_INVALID);

  /* The whole class, on request. */
  CHECK_OK(inscrire_generate_credentials_v2(db, UAI, "5A", INSCRIRE_CREDENTIALS_RESET_EXISTING,
                                            NULL, 0, NULL, &credentials));
  CHECK(inscrire_credentials_created(credentials) == 0);
  CHECK(inscrire_credentials_reset(credentials) == 17);
  CHECK(inscrire_credentials_unchanged(credentials) == 0);
  inscrire_credentials_free(credentials);

  /* Refusals. */
  listed[0] = "999999999ZZ";
  CHECK_RC(inscrire_generate_credentials_v2(db, UAI, "5A", 0, listed, 1, NULL, &credentials),
           INSCRIRE_E_LEARNER_NOT_FOUND);
  CHECK(credentials == NULL);
  CHECK_RC(inscrire_generate_credentials_v2(db, UAI, "5A", 0, NULL, 1, NULL, &credentials),
           INSCRIRE_E_INVALID_ARGUMENT);
  listed[0] = NULL;
  CHECK_RC(inscrire_generate_credentials_v2(db, UAI, "5A", 0, listed, 1, NULL, &credentials),
           INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_generate_credentials_v2(db, UAI, "5A", 4u, NULL, 0, NULL, &credentials),
           INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_generate_credentials_v2(db, UAI, "9Z", 0, NULL, 0, NULL, &credentials),
           INSCRIRE_E_LEARNER_NOT_FOUND);
  CHECK_RC(inscrire_generate_credentials_v2(db, UAI, "5A", 0, NULL, 0, NULL, NULL),
           INSCRIRE_E_INVALID_ARGUMENT);
  inscrire_db_free(db);
}

static void test_unarchive_and_delete(void) {
  char code[16], username[64], spare[16];
  inscrire_db *db = open_school("campaigns.db", 0, 0, code);
  inscrire_campaign *campaign = (inscrire_campaign *)&campaign;

  CHECK_OK(inscrire_archive_campaign(db, code, NULL));
  CHECK_OK(inscrire_unarchive_campaign(db, code, &campaign));
  CHECK_STR(inscrire_campaign_status(campaign), "active");
  inscrire_campaign_free(campaign);
  CHECK_OK(inscrire_unarchive_campaign(db, code, NULL));
  register_allan(db, code, PASSWORD, username);
  CHECK_RC(inscrire_delete_campaign(db, code, NULL), INSCRIRE_E_CAMPAIGN_HAS_PARTICIPATIONS);
  CHECK_OK(inscrire_find_campaign(db, code, NULL, &campaign));
  inscrire_campaign_free(campaign);

  CHECK_OK(inscrire_create_campaign(db, UAI, "Spare", NULL, NULL, &campaign));
  strcpy(spare, inscrire_campaign_code(campaign));
  inscrire_campaign_free(campaign);
  CHECK_OK(inscrire_delete_campaign(db, spare, "mme.dupont"));
  CHECK_RC(inscrire_find_campaign(db, spare, NULL, &campaign), INSCRIRE_E_CAMPAIGN_DELETED);
  CHECK_RC(inscrire_unarchive_campaign(db, spare, &campaign), INSCRIRE_E_CAMPAIGN_DELETED);
  CHECK(campaign == NULL);
  CHECK_RC(inscrire_delete_campaign(db, "ZZZZZZ999", NULL), INSCRIRE_E_CAMPAIGN_NOT_FOUND);
  CHECK_RC(inscrire_unarchive_campaign(db, "ZZZZZZ999", NULL), INSCRIRE_E_CAMPAIGN_NOT_FOUND);
  CHECK_RC(inscrire_delete_campaign(db, NULL, NULL), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_unarchive_campaign(NULL, code, NULL), INSCRIRE_E_INVALID_ARGUMENT);
  inscrire_db_free(db);
}

/* The start-of-year kit: Allan of 5A registers with 3H's code, is flagged, listed out of
 * division, his participation deleted; he then joins his own class's campaign with the same
 * account. Renaming keeps the code; the list leaves deleted campaigns out unless asked; the
 * search finds him; his class's slips hold what the credentials hold. */
static void test_start_of_year(void) {
  char code[16], other_code[16], spare[16], username[64], token[128];
  inscrire_db *db = open_school("start-of-year.db", 0, 0, code);
  inscrire_campaign *campaign = NULL;
  inscrire_campaign_list *campaigns = NULL;
  inscrire_match_report *report = NULL;
  inscrire_registration *reg = NULL;
  inscrire_participant_list *participants = NULL;
  inscrire_learner_account_list *learners = NULL;
  inscrire_credentials *credentials = NULL;
  char *html = (char *)&html;
  size_t i, flagged = 0, out_of_division = 0;

  CHECK_OK(inscrire_create_campaign(db, UAI, "Pix 3H", "3H", NULL, &campaign));
  strcpy(other_code, inscrire_campaign_code(campaign));
  inscrire_campaign_free(campaign);

  /* Another class's code: flagged on the dry run and on registration. */
  CHECK_OK(inscrire_match(db, other_code, "Allan", "POE", "01/03/2014", NULL, &report));
  CHECK(inscrire_match_report_status(report) == INSCRIRE_OK);
  CHECK(inscrire_match_report_other_division(report) == 1);
  inscrire_match_report_free(report);
  CHECK_OK(inscrire_match(db, code, "Allan", "POE", "01/03/2014", NULL, &report));
  CHECK(inscrire_match_report_other_division(report) == 0);
  inscrire_match_report_free(report);
  CHECK(inscrire_match_report_other_division(NULL) == 0);
  CHECK_OK(inscrire_register(db, other_code, "Allan", "POE", "01/03/2014", PASSWORD, NULL, &reg));
  CHECK(inscrire_registration_other_division(reg) == 1);
  strcpy(username, inscrire_registration_username(reg));
  inscrire_registration_free(reg);

  /* 3H's list shows him, flagged, after its own pupils. */
  CHECK_OK(inscrire_campaign_participants(db, other_code, &participants));
  for (i = 0; i < inscrire_participant_list_count(participants); ++i) {
    if (inscrire_participant_list_out_of_division(participants, i)) {
      ++out_of_division;
      flagged = i;
    }
  }
  CHECK(out_of_division == 1);
  CHECK(flagged + 1 == inscrire_participant_list_count(participants));
  CHECK_STR(inscrire_participant_list_username(participants, flagged), username);
  CHECK_STR(inscrire_participant_list_division(participants, flagged), "5A");
  CHECK(inscrire_participant_list_out_of_division(participants, 999) == 0);
  inscrire_participant_list_free(participants);

  /* Deleted, once; then he joins 5A's campaign with the same account. */
  CHECK_OK(inscrire_delete_participation_as(db, other_code, ALLAN_INE, NULL));
  CHECK_RC(inscrire_delete_participation(db, other_code, ALLAN_INE),
           INSCRIRE_E_PARTICIPATION_NOT_FOUND);
  CHECK_RC(inscrire_delete_participation(db, other_code, "999999999ZZ"),
           INSCRIRE_E_LEARNER_NOT_FOUND);
  CHECK_RC(inscrire_delete_participation(db, other_code, NULL), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_OK(inscrire_campaign_participants(db, other_code, &participants));
  for (i = 0; i < inscrire_participant_list_count(participants); ++i) {
    CHECK(inscrire_participant_list_out_of_division(participants, i) == 0);
  }
  inscrire_participant_list_free(participants);
  login(db, username, PASSWORD, token);
  CHECK_OK(inscrire_join_campaign(db, token, code, &reg));
  CHECK_STR(inscrire_registration_username(reg), username);
  CHECK(inscrire_registration_other_division(reg) == 0);
  inscrire_registration_free(reg);

  /* Renaming keeps the code; NULL leaves a field alone; bad names are refused. */
  campaign = (inscrire_campaign *)&campaign;
  CHECK_OK(inscrire_update_campaign(db, other_code, "Pix 3H (2e essai)", NULL, &campaign));
  CHECK_STR(inscrire_campaign_name(campaign), "Pix 3H (2e essai)");
  CHECK_STR(inscrire_campaign_code(campaign), other_code);
  inscrire_campaign_free(campaign);
  CHECK_OK(inscrire_update_campaign_as(db, other_code, NULL, NULL, NULL, NULL));
  CHECK_OK(inscrire_find_campaign(db, other_code, NULL, &campaign));
  CHECK_STR(inscrire_campaign_name(campaign), "Pix 3H (2e essai)");
  inscrire_campaign_free(campaign);
  CHECK_RC(inscrire_update_campaign(db, other_code, "bad\nname", NULL, &campaign),
           INSCRIRE_E_INVALID_VALUE);
  CHECK(campaign == NULL);
  CHECK_RC(inscrire_update_campaign(db, "ZZZZZZ999", "x", NULL, NULL),
           INSCRIRE_E_CAMPAIGN_NOT_FOUND);

  /* Deleted campaigns only when asked. */
  CHECK_OK(inscrire_create_campaign(db, UAI, "Spare", NULL, NULL, &campaign));
  strcpy(spare, inscrire_campaign_code(campaign));
  inscrire_campaign_free(campaign);
  CHECK_OK(inscrire_delete_campaign(db, spare, NULL));
  CHECK_OK(inscrire_campaigns(db, UAI, &campaigns));
  CHECK(inscrire_campaign_list_count(campaigns) == 2);
  inscrire_campaign_list_free(campaigns);
  CHECK_OK(inscrire_campaigns_v2(db, UAI, 0, &campaigns));
  CHECK(inscrire_campaign_list_count(campaigns) == 2);
  inscrire_campaign_list_free(campaigns);
  CHECK_OK(inscrire_campaigns_v2_as(db, UAI, INSCRIRE_CAMPAIGNS_INCLUDE_DELETED, NULL, &campaigns));
  CHECK(inscrire_campaign_list_count(campaigns) == 3);
  CHECK_STR(inscrire_campaign_status(inscrire_campaign_list_get(campaigns, 2)), "deleted");
  inscrire_campaign_list_free(campaigns);
  CHECK_RC(inscrire_campaigns_v2(db, UAI, 2u, &campaigns), INSCRIRE_E_INVALID_ARGUMENT);

  /* The search, by name as names are matched, by username, with the filters. */
  CHECK_OK(inscrire_learners_v3(db, UAI, NULL, NULL, "allan POË", 0, 0, &learners));
  CHECK(inscrire_learner_account_list_count(learners) == 1);
  CHECK_STR(inscrire_learner_ine(
                inscrire_learner_account_learner(inscrire_learner_account_list_get(learners, 0))),
            ALLAN_INE);
  inscrire_learner_account_list_free(learners);
  CHECK_OK(inscrire_learners_v3_as(db, UAI, "5A", "active", username, 0, 0, NULL, &learners));
  CHECK(inscrire_learner_account_list_count(learners) == 1);
  inscrire_learner_account_list_free(learners);
  CHECK_OK(inscrire_learners_v3(db, UAI, "3H", NULL, "allan poe", 0, 0, &learners));
  CHECK(inscrire_learner_account_list_count(learners) == 0);
  inscrire_learner_account_list_free(learners);
  {
    char long_text[102];
    memset(long_text, 'a', 101);
    long_text[101] = '\0';
    CHECK_RC(inscrire_learners_v3(db, UAI, NULL, NULL, long_text, 0, 0, &learners),
             INSCRIRE_E_FIELD_TOO_LONG);
  }

  /* The slips of 5A: the school, each username, the passwords drawn, Allan's left out. */
  CHECK_OK(inscrire_generate_credentials(db, UAI, "5A", NULL, &credentials));
  CHECK_STR(inscrire_credentials_uai(credentials), UAI);
  CHECK_STR(inscrire_credentials_school(credentials), "Collège Victor Hugo");
  CHECK(inscrire_credentials_temporary_expires_at(credentials) > (int64_t)time(NULL));
  CHECK(inscrire_credentials_uai(NULL) == NULL);
  CHECK(inscrire_credentials_temporary_expires_at(NULL) == 0);
  CHECK_OK(inscrire_credentials_slips_html(credentials, "https://inscrire.example.fr/", 8, &html));
  CHECK(strstr(html, "Collège Victor Hugo") != NULL);
  CHECK(strstr(html, "href=\"https://inscrire.example.fr\"") != NULL);
  for (i = 0; i < inscrire_credentials_count(credentials); ++i) {
    const char *password = inscrire_credentials_temporary_password(credentials, i);
    CHECK(strstr(html, inscrire_credentials_username(credentials, i)) != NULL);
    if (strcmp(inscrire_credentials_username(credentials, i), username) == 0) {
      CHECK_STR(password, "");
    } else {
      CHECK(password[0] != '\0' && strstr(html, password) != NULL);
    }
  }
  inscrire_string_free(html);
  CHECK_OK(inscrire_credentials_slips_html(credentials, NULL, 1, &html));
  inscrire_string_free(html);
  html = (char *)&html;
  CHECK_RC(inscrire_credentials_slips_html(credentials, NULL, 3, &html),
           INSCRIRE_E_INVALID_ARGUMENT);
  CHECK(html == NULL);
  CHECK_RC(inscrire_credentials_slips_html(credentials, "javascript:alert(1)", 8, &html),
           INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_credentials_slips_html(NULL, NULL, 8, &html), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_credentials_slips_html(credentials, NULL, 8, NULL),
           INSCRIRE_E_INVALID_ARGUMENT);
  inscrire_credentials_free(credentials);
  inscrire_db_free(db);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s DATA_DIR\n", argv[0]);
    return 2;
  }
  data_dir = argv[1];
  if (make_temp_dir(temp_dir, sizeof temp_dir) != 0) return 2;

  test_options();
  test_null_objects();
  test_sessions();
  test_participations();
  test_admin_views();
  test_dissociate();
  test_credentials();
  test_unarchive_and_delete();
  test_start_of_year();

  remove_tree(temp_dir);
  if (check_failures != 0) fprintf(stderr, "%d check(s) failed\n", check_failures);
  return check_failures == 0 ? 0 : 1;
}
