/* The whole C API, from C99: every operation, its results, and every error path the C layer
 * can be driven into (NULL arguments, invalid UTF-8, refused inputs, freeing NULL).
 * Usage: capi_test_api DATA_DIR (the project's data/ directory). */
#define _XOPEN_SOURCE 700

#include "check.h"

#define UAI "0751234A"
#define PASSWORD "Secret123x"

static const char *data_dir;
static char temp_dir[64];

/* A database in the temp dir with cheap Argon2 (memory 1024 KiB, 1 pass), so that valgrind
 * runs stay short. */
static inscrire_db *open_test_db(const char *name, int language) {
  char path[256];
  inscrire_options *options = NULL;
  inscrire_db *db = NULL;
  CHECK_OK(inscrire_options_new(&options));
  CHECK_OK(inscrire_options_set_hash_memory(options, 1024));
  CHECK_OK(inscrire_options_set_hash_iterations(options, 1));
  CHECK_OK(inscrire_options_set_username_policy(options, INSCRIRE_USERNAME_SEQUENTIAL));
  CHECK_OK(inscrire_options_set_busy_timeout(options, 5000));
  CHECK_OK(inscrire_options_set_language(options, language));
  CHECK_OK(inscrire_options_set_throttle(options, 10, 600));
  CHECK_OK(inscrire_options_set_login_throttle(options, 3, 600));
  CHECK_OK(inscrire_db_open_v2(path_in(path, sizeof path, temp_dir, name), options, &db));
  inscrire_options_free(options);
  return db;
}

static const char *roster_path(char *buffer, size_t size) {
  return path_in(buffer, size, data_dir, "siecle-0751234A.xml");
}

/* The message of the last error contains `part`. */
static int last_message_has(const char *part) {
  const char *message = NULL;
  inscrire_error_last(NULL, &message);
  return message != NULL && strstr(message, part) != NULL;
}

static void test_version(void) {
  CHECK(inscrire_version_number() == INSCRIRE_VERSION_NUMBER);
  CHECK_STR(inscrire_version_string(), INSCRIRE_VERSION_STRING);
  CHECK(INSCRIRE_VERSION_NUMBER ==
        INSCRIRE_VERSION_MAJOR * 10000 + INSCRIRE_VERSION_MINOR * 100 + INSCRIRE_VERSION_PATCH);
}

static void test_error_model(void) {
  const char *name = NULL;
  const char *message = NULL;
  CHECK_STR(inscrire_error_code_name(INSCRIRE_OK), "OK");
  CHECK_STR(inscrire_error_code_name(INSCRIRE_E_INTERNAL_ERROR), "INTERNAL_ERROR");
  CHECK_STR(inscrire_error_code_name(INSCRIRE_E_NO_NAME_MATCH), "NO_NAME_MATCH");
  CHECK_STR(inscrire_error_code_name(INSCRIRE_E_ACCOUNT_DISABLED), "ACCOUNT_DISABLED");
  CHECK(inscrire_error_code_name(1) == NULL);
  CHECK(inscrire_error_code_name(-100000) == NULL);
  CHECK_STR(inscrire_error_describe(INSCRIRE_E_UAI_MISMATCH, INSCRIRE_LANGUAGE_ENGLISH),
            "This file belongs to another school.");
  CHECK_STR(inscrire_error_describe(INSCRIRE_E_UAI_MISMATCH, INSCRIRE_LANGUAGE_FRENCH),
            "Ce fichier est celui d'un autre établissement.");
  CHECK(inscrire_error_describe(INSCRIRE_OK, INSCRIRE_LANGUAGE_FRENCH) == NULL);
  CHECK(inscrire_error_describe(INSCRIRE_E_UAI_MISMATCH, 7) == NULL);

  /* A failure is recorded with name and message, a success clears it, and so does clear(). */
  CHECK_RC(inscrire_set_language(42), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK(inscrire_error_last(&name, &message) == INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_STR(name, "INVALID_ARGUMENT");
  CHECK(strstr(message, "Argument invalide.") == message);
  CHECK(inscrire_error_last(NULL, NULL) == INSCRIRE_E_INVALID_ARGUMENT);
  CHECK(inscrire_error_last_masked_username() == NULL);
  CHECK(inscrire_error_last_remaining_attempts() == -1);
  CHECK(inscrire_error_last_retry_after() == 0);
  CHECK_OK(inscrire_set_language(INSCRIRE_LANGUAGE_FRENCH));
  CHECK(inscrire_error_last(&name, &message) == INSCRIRE_OK);
  CHECK_STR(name, "OK");
  CHECK_STR(message, "");
  CHECK_RC(inscrire_set_language(-1), INSCRIRE_E_INVALID_ARGUMENT);
  inscrire_error_clear();
  CHECK(inscrire_error_last(NULL, NULL) == INSCRIRE_OK);

  /* The process-wide language applies to calls without a handle. */
  CHECK_OK(inscrire_set_language(INSCRIRE_LANGUAGE_ENGLISH));
  CHECK_RC(inscrire_normalize(NULL, NULL), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK(last_message_has("Invalid argument."));
  CHECK_OK(inscrire_set_language(INSCRIRE_LANGUAGE_FRENCH));
}

static void test_names(void) {
  char *out = (char *)"garbage";
  CHECK_OK(inscrire_username("Léa", "Martin", "12/05/2013", &out));
  CHECK_STR(out, "lea.martin1205");
  inscrire_string_free(out);
  CHECK_OK(inscrire_username("Œnone", "Cœurdacier", "14/07/2014", &out));
  CHECK_STR(out, "oenone.coeurdacier1407");
  inscrire_string_free(out);
  CHECK_OK(inscrire_normalize("Jean-Marc D'Artagnan", &out));
  CHECK_STR(out, "jeanmarcdartagnan");
  inscrire_string_free(out);
  CHECK_OK(inscrire_normalize("Анна", &out));
  CHECK_STR(out, "anna");
  inscrire_string_free(out);

  out = (char *)"garbage";
  CHECK_RC(inscrire_username("L\xff", "Martin", "12/05/2013", &out), INSCRIRE_E_INVALID_UTF8);
  CHECK(out == NULL);
  CHECK(last_message_has("first_name"));
  CHECK_RC(inscrire_username("Léa", "\xc3\x28", "12/05/2013", &out), INSCRIRE_E_INVALID_UTF8);
  CHECK_RC(inscrire_username("Léa", "Martin", "\xed\xa0\x80", &out), INSCRIRE_E_INVALID_UTF8);
  CHECK_RC(inscrire_normalize("\xc0\xaf", &out), INSCRIRE_E_INVALID_UTF8);
  CHECK_RC(inscrire_username(NULL, "Martin", "12/05/2013", &out), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK(last_message_has("first_name is NULL"));
  CHECK_RC(inscrire_username("Léa", NULL, "12/05/2013", &out), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_username("Léa", "Martin", NULL, &out), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_username("Léa", "Martin", "12/05/2013", NULL), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_normalize(NULL, &out), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_normalize("Léa", NULL), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_username("", "Martin", "12/05/2013", &out), INSCRIRE_E_NAME_REQUIRED);
  CHECK_RC(inscrire_normalize("  ", &out), INSCRIRE_E_NAME_REQUIRED);
  CHECK_RC(inscrire_normalize("a\tb", &out), INSCRIRE_E_INVALID_NAME_CHARACTERS);
  CHECK_RC(inscrire_username("Léa", "Martin", "", &out), INSCRIRE_E_BIRTHDATE_REQUIRED);
  CHECK_RC(inscrire_username("Léa", "Martin", "2013/05/12x", &out),
           INSCRIRE_E_INVALID_BIRTHDATE_FORMAT);
  CHECK_RC(inscrire_username("Léa", "Martin", "31/02/2014", &out), INSCRIRE_E_INVALID_BIRTHDATE);
  CHECK_RC(inscrire_username("Léa", "Martin", "01/01/2999", &out), INSCRIRE_E_BIRTHDATE_IN_FUTURE);
  CHECK_RC(inscrire_username("Léa", "Martin", "01/01/1850", &out), INSCRIRE_E_BIRTHDATE_TOO_OLD);
  CHECK(out == NULL);
  inscrire_string_free(NULL);
}

static void test_options(void) {
  inscrire_options *options = NULL;
  CHECK_RC(inscrire_options_new(NULL), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_OK(inscrire_options_new(&options));
  CHECK_RC(inscrire_options_set_username_policy(options, 2), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_options_set_hash_memory(options, 7), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_options_set_hash_iterations(options, 0), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_options_set_busy_timeout(options, -1), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_options_set_language(options, 2), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_options_set_throttle(options, 0, 600), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_options_set_throttle(options, 10, 0), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_options_set_throttle(NULL, 10, 600), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_options_set_login_throttle(options, 0, 600), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_options_set_login_throttle(options, 50, 0), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_options_set_login_throttle(NULL, 50, 600), INSCRIRE_E_INVALID_ARGUMENT);
  /* The core's one check (ServiceOptions::validate): the same bounds as Python and the CLI. */
  CHECK_RC(inscrire_options_set_hash_iterations(options, 257), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_options_set_hash_memory(options, 5u * 1024 * 1024),
           INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_options_set_busy_timeout(options, 3600 * 1000 + 1),
           INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_options_set_throttle(options, 10, 8 * 24 * 3600), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_OK(inscrire_options_set_hash_memory(options, 1024));
  CHECK_OK(inscrire_options_set_hash_iterations(options, 1));
  CHECK_OK(inscrire_options_set_refuse_weak_passwords(options, 0));
  CHECK_RC(inscrire_options_set_matching(options, 2), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_options_set_matching(NULL, INSCRIRE_MATCHING_PIX), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_OK(inscrire_options_set_matching(options, INSCRIRE_MATCHING_PIX));
  CHECK_OK(inscrire_options_set_matching(options, INSCRIRE_MATCHING_EXTENDED));
  CHECK_RC(inscrire_options_set_username_policy(NULL, 0), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_options_set_hash_memory(NULL, 1024), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_options_set_hash_iterations(NULL, 1), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_options_set_busy_timeout(NULL, 1), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_options_set_language(NULL, 0), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_options_set_refuse_weak_passwords(NULL, 1), INSCRIRE_E_INVALID_ARGUMENT);
  inscrire_options_free(options);
  inscrire_options_free(NULL);
}

static void test_open(void) {
  char path[256];
  inscrire_db *db = (inscrire_db *)&db;
  CHECK_RC(inscrire_db_open(NULL, &db), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK(db == NULL);
  CHECK_RC(inscrire_db_open(path_in(path, sizeof path, temp_dir, "x.db"), NULL),
           INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_db_open_v2(NULL, NULL, &db), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_db_open(path_in(path, sizeof path, temp_dir, "missing/dir/x.db"), &db),
           INSCRIRE_E_DATABASE_ERROR);
  CHECK(db == NULL);
  /* A file that is not a database, in the temp dir: opening writes the "-lock" file beside it. */
  {
    FILE *file = fopen(path_in(path, sizeof path, temp_dir, "roster.xml"), "w");
    CHECK(file != NULL);
    CHECK(fputs("<?xml version=\"1.0\"?><BEE_ELEVES/>\n", file) >= 0);
    CHECK(fclose(file) == 0);
  }
  CHECK_RC(inscrire_db_open(path, &db), INSCRIRE_E_DATABASE_ERROR);
  CHECK_OK(inscrire_db_open(path_in(path, sizeof path, temp_dir, "plain.db"), &db));
  inscrire_db_free(db);
  inscrire_db_free(NULL);
}

/* Every operation refuses a NULL handle, and every accessor and _free accepts NULL. */
static void test_null_handles(void) {
  void *any = NULL;
  char *text = NULL;
  CHECK_RC(inscrire_create_organization(NULL, UAI, "x"), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK(last_message_has("db is NULL"));
  CHECK_RC(inscrire_organizations(NULL, (inscrire_organization_list **)&any),
           INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_import_roster(NULL, UAI, "f", 0, (inscrire_import_report **)&any),
           INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_learners(NULL, UAI, NULL, 0, (inscrire_learner_list **)&any),
           INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_create_campaign(NULL, UAI, "n", NULL, NULL, NULL), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_find_campaign(NULL, "c", NULL, (inscrire_campaign **)&any),
           INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_archive_campaign(NULL, "c", NULL), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_campaigns(NULL, UAI, (inscrire_campaign_list **)&any),
           INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_not_joined(NULL, "c", (inscrire_learner_list **)&any),
           INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_match(NULL, "c", "a", "b", "01/01/2014", NULL, (inscrire_match_report **)&any),
           INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_register(NULL, "c", "a", "b", "01/01/2014", PASSWORD, NULL, NULL),
           INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_join_campaign(NULL, "t", "c", NULL), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_login(NULL, "u", "p", (inscrire_login_result **)&any),
           INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_change_password(NULL, "u", "p", "q"), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_change_password_with_token(NULL, "t", "q"), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_reset_password(NULL, UAI, "u", NULL, &text), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_unblock(NULL, UAI, "u", NULL), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_generate_credentials(NULL, UAI, "5A", NULL, (inscrire_credentials **)&any),
           INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_anonymize_learner(NULL, UAI, "i", NULL), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_export_learner(NULL, UAI, "i", NULL, &text), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK(any == NULL && text == NULL);

  CHECK(inscrire_organization_list_count(NULL) == 0);
  CHECK(inscrire_organization_list_uai(NULL, 0) == NULL);
  CHECK(inscrire_organization_list_name(NULL, 0) == NULL);
  CHECK(inscrire_import_report_created(NULL) == 0);
  CHECK(inscrire_import_report_updated(NULL) == 0);
  CHECK(inscrire_import_report_disabled(NULL) == 0);
  CHECK(inscrire_import_report_reenabled(NULL) == 0);
  CHECK(inscrire_import_report_linked(NULL) == 0);
  CHECK(inscrire_import_report_skipped(NULL, INSCRIRE_SKIP_LEFT) == 0);
  CHECK(inscrire_import_report_dry_run(NULL) == 0);
  CHECK(inscrire_import_report_error_count(NULL) == 0);
  CHECK(inscrire_import_report_error_code(NULL, 0) == INSCRIRE_OK);
  CHECK(inscrire_import_report_error_line(NULL, 0) == 0);
  CHECK(inscrire_import_report_error_ine(NULL, 0) == NULL);
  CHECK(inscrire_import_report_error_pupil_id(NULL, 0) == NULL);
  CHECK(inscrire_import_report_error_field(NULL, 0) == NULL);
  CHECK(inscrire_import_report_error_detail(NULL, 0) == NULL);
  CHECK(inscrire_learner_list_count(NULL) == 0);
  CHECK(inscrire_learner_list_get(NULL, 0) == NULL);
  CHECK(inscrire_learner_ine(NULL) == NULL);
  CHECK(inscrire_learner_first_name(NULL) == NULL);
  CHECK(inscrire_learner_second_name(NULL) == NULL);
  CHECK(inscrire_learner_third_name(NULL) == NULL);
  CHECK(inscrire_learner_last_name(NULL) == NULL);
  CHECK(inscrire_learner_usage_name(NULL) == NULL);
  CHECK(inscrire_learner_birthdate(NULL) == NULL);
  CHECK(inscrire_learner_division(NULL) == NULL);
  CHECK(inscrire_learner_disabled(NULL) == 0);
  CHECK(inscrire_learner_username(NULL) == NULL);
  CHECK(inscrire_campaign_list_count(NULL) == 0);
  CHECK(inscrire_campaign_list_get(NULL, 0) == NULL);
  CHECK(inscrire_campaign_code(NULL) == NULL);
  CHECK(inscrire_campaign_name(NULL) == NULL);
  CHECK(inscrire_campaign_uai(NULL) == NULL);
  CHECK(inscrire_campaign_division(NULL) == NULL);
  CHECK(inscrire_campaign_target_profile(NULL) == NULL);
  CHECK(inscrire_campaign_status(NULL) == NULL);
  CHECK(inscrire_campaign_created_at(NULL) == NULL);
  CHECK(inscrire_match_report_status(NULL) == INSCRIRE_E_INVALID_ARGUMENT);
  CHECK(inscrire_match_report_learner(NULL) == NULL);
  CHECK(inscrire_match_report_username(NULL) == NULL);
  CHECK(inscrire_match_report_masked_username(NULL) == NULL);
  CHECK(inscrire_registration_username(NULL) == NULL);
  CHECK(inscrire_registration_learner(NULL) == NULL);
  CHECK(inscrire_registration_campaign(NULL) == NULL);
  CHECK(inscrire_registration_participation_status(NULL) == NULL);
  CHECK(inscrire_registration_matched_by(NULL) == NULL);
  CHECK(inscrire_login_result_status(NULL) == INSCRIRE_E_INVALID_ARGUMENT);
  CHECK(inscrire_login_result_username(NULL) == NULL);
  CHECK(inscrire_login_result_session_token(NULL) == NULL);
  CHECK(inscrire_login_result_change_token(NULL) == NULL);
  CHECK(inscrire_credentials_count(NULL) == 0);
  CHECK(inscrire_credentials_division(NULL, 0) == NULL);
  CHECK(inscrire_credentials_last_name(NULL, 0) == NULL);
  CHECK(inscrire_credentials_first_name(NULL, 0) == NULL);
  CHECK(inscrire_credentials_username(NULL, 0) == NULL);
  CHECK(inscrire_credentials_temporary_password(NULL, 0) == NULL);
  CHECK(inscrire_credentials_csv(NULL) == NULL);

  inscrire_organization_list_free(NULL);
  inscrire_import_report_free(NULL);
  inscrire_learner_list_free(NULL);
  inscrire_campaign_list_free(NULL);
  inscrire_campaign_free(NULL);
  inscrire_match_report_free(NULL);
  inscrire_registration_free(NULL);
  inscrire_login_result_free(NULL);
  inscrire_credentials_free(NULL);
}

static void test_organizations(inscrire_db *db) {
  inscrire_organization_list *list = NULL;
  CHECK_RC(inscrire_create_organization(db, "075123A", "X"), INSCRIRE_E_INVALID_UAI);
  CHECK_RC(inscrire_create_organization(db, NULL, "X"), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_create_organization(db, UAI, NULL), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_create_organization(db, UAI, "Coll\xe8ge"), INSCRIRE_E_INVALID_UTF8);
  CHECK_RC(inscrire_create_organization(db, UAI, "  "), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_OK(inscrire_create_organization(db, "0751234a", "Collège Victor Hugo"));
  CHECK_RC(inscrire_create_organization(db, UAI, "Again"), INSCRIRE_E_ORGANIZATION_EXISTS);
  CHECK_OK(inscrire_create_organization(db, "0331234B", "Lycée Montaigne"));
  CHECK_RC(inscrire_organizations(db, NULL), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_OK(inscrire_organizations(db, &list));
  CHECK(inscrire_organization_list_count(list) == 2);
  CHECK_STR(inscrire_organization_list_uai(list, 1), UAI);
  CHECK_STR(inscrire_organization_list_name(list, 1), "Collège Victor Hugo");
  CHECK_STR(inscrire_organization_list_uai(list, 0), "0331234B");
  CHECK(inscrire_organization_list_uai(list, 2) == NULL);
  CHECK(inscrire_organization_list_name(list, 2) == NULL);
  inscrire_organization_list_free(list);
}

static void test_import(inscrire_db *db) {
  char path[256];
  inscrire_import_report *report = (inscrire_import_report *)&report;
  roster_path(path, sizeof path);

  CHECK_RC(inscrire_import_roster(db, UAI, path, 0, NULL), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_import_roster(db, UAI, NULL, 0, &report), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK(report == NULL);
  CHECK_RC(inscrire_import_roster(db, UAI, path, 4, &report), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_import_roster(db, "0999999Z", path, 0, &report),
           INSCRIRE_E_ORGANIZATION_NOT_FOUND);
  CHECK(report == NULL);

  /* A refused file hands back its report: another school's file, and a missing file. */
  CHECK_RC(inscrire_import_roster(db, "0331234B", path, 0, &report), INSCRIRE_E_UAI_MISMATCH);
  CHECK(report != NULL);
  CHECK(inscrire_import_report_error_count(report) >= 1);
  CHECK(inscrire_import_report_error_code(report, 0) == INSCRIRE_E_UAI_MISMATCH);
  CHECK(inscrire_import_report_error_code(report, 99) == INSCRIRE_OK);
  CHECK(inscrire_import_report_error_field(report, 0) != NULL);
  CHECK(inscrire_import_report_error_detail(report, 0) != NULL);
  CHECK(inscrire_import_report_error_ine(report, 0) != NULL);
  CHECK(inscrire_import_report_error_pupil_id(report, 0) != NULL);
  CHECK(inscrire_import_report_error_line(report, 0) == 0);
  CHECK(inscrire_import_report_error_detail(report, 99) == NULL);
  CHECK(inscrire_import_report_created(report) == 0);
  inscrire_import_report_free(report);
  CHECK_RC(
      inscrire_import_roster(db, UAI, path_in(path, sizeof path, temp_dir, "none.xml"), 0, &report),
      INSCRIRE_E_INVALID_FILE);
  CHECK(inscrire_import_report_error_count(report) == 1);
  inscrire_import_report_free(report);
  roster_path(path, sizeof path);

  /* A dry run reports and writes nothing. */
  CHECK_OK(inscrire_import_roster(db, UAI, path, INSCRIRE_IMPORT_DRY_RUN, &report));
  CHECK(inscrire_import_report_dry_run(report) == 1);
  CHECK(inscrire_import_report_created(report) > 0);
  inscrire_import_report_free(report);

  CHECK_OK(inscrire_import_roster(db, UAI, path, 0, &report));
  CHECK(inscrire_import_report_dry_run(report) == 0);
  CHECK(inscrire_import_report_created(report) > 250);
  CHECK(inscrire_import_report_updated(report) == 0);
  CHECK(inscrire_import_report_disabled(report) == 0);
  CHECK(inscrire_import_report_reenabled(report) == 0);
  CHECK(inscrire_import_report_linked(report) == 0);
  CHECK(inscrire_import_report_skipped(report, INSCRIRE_SKIP_LEFT) >= 1);
  CHECK(inscrire_import_report_skipped(report, INSCRIRE_SKIP_NO_INE) >= 1);
  CHECK(inscrire_import_report_skipped(report, INSCRIRE_SKIP_NO_DIVISION) >= 0);
  CHECK(inscrire_import_report_skipped(report, 3) == -1);
  CHECK(inscrire_import_report_skipped(report, -1) == -1);
  CHECK(inscrire_import_report_error_count(report) == 0);
  inscrire_import_report_free(report);

  /* Importing the same file again changes nothing. */
  CHECK_OK(inscrire_import_roster(db, UAI, path, 0, &report));
  CHECK(inscrire_import_report_created(report) == 0);
  inscrire_import_report_free(report);
}

/* The learner of `list` with this first name, or NULL. */
static const inscrire_learner *find_learner(const inscrire_learner_list *list, const char *first,
                                            const char *birthdate) {
  size_t i;
  for (i = 0; i < inscrire_learner_list_count(list); ++i) {
    const inscrire_learner *learner = inscrire_learner_list_get(list, i);
    if (strcmp(inscrire_learner_first_name(learner), first) == 0 &&
        strcmp(inscrire_learner_birthdate(learner), birthdate) == 0) {
      return learner;
    }
  }
  return NULL;
}

static void test_learners(inscrire_db *db) {
  inscrire_learner_list *list = NULL;
  const inscrire_learner *lea;
  CHECK_RC(inscrire_learners(db, UAI, "5A", 0, NULL), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_learners(db, "0999999Z", NULL, 0, &list), INSCRIRE_E_ORGANIZATION_NOT_FOUND);
  CHECK_RC(inscrire_learners(db, UAI, "5\xff", 0, &list), INSCRIRE_E_INVALID_UTF8);
  CHECK_OK(inscrire_learners(db, UAI, "5A", 0, &list));
  CHECK(inscrire_learner_list_count(list) == 17);
  CHECK(inscrire_learner_list_get(list, 17) == NULL);
  lea = find_learner(list, "Léa", "2013-05-12");
  CHECK(lea != NULL);
  CHECK_STR(inscrire_learner_ine(lea), "715208808PN");
  CHECK_STR(inscrire_learner_last_name(lea), "MARTIN");
  CHECK_STR(inscrire_learner_second_name(lea), "");
  CHECK_STR(inscrire_learner_third_name(lea), "");
  CHECK_STR(inscrire_learner_usage_name(lea), "");
  CHECK_STR(inscrire_learner_division(lea), "5A");
  CHECK(inscrire_learner_disabled(lea) == 0);
  CHECK(inscrire_learner_username(lea) == NULL);
  inscrire_learner_list_free(list);

  CHECK_OK(inscrire_learners(db, UAI, NULL, 1, &list));
  CHECK(inscrire_learner_list_count(list) > 250);
  inscrire_learner_list_free(list);
}

/* Creates the 5A campaign and a whole-school one; `code5a` and `school` receive their codes. */
/* The class sheet, with and without the platform's sign-up address. */
static void test_class_sheet(inscrire_db *db, const char *code) {
  char *html = NULL;
  char link[128];

  CHECK_OK(inscrire_class_sheet(db, code, NULL, &html));
  CHECK(strstr(html, "<!DOCTYPE html>") == html);
  CHECK(strstr(html, "<svg") == NULL);
  inscrire_string_free(html);
  CHECK_OK(inscrire_class_sheet(db, code, "https://inscrire.example.fr/c/", &html));
  sprintf(link, "<a href=\"https://inscrire.example.fr/c/%s\">", code);
  CHECK(strstr(html, link) != NULL);
  CHECK(strstr(html, "<svg") != NULL);
  inscrire_string_free(html);
  html = (char *)&html;
  CHECK_RC(inscrire_class_sheet(db, code, "javascript:alert(1)", &html),
           INSCRIRE_E_INVALID_ARGUMENT);
  CHECK(html == NULL);
  CHECK_RC(inscrire_class_sheet(db, "ZZZZZZ999", NULL, &html), INSCRIRE_E_CAMPAIGN_NOT_FOUND);
  CHECK_RC(inscrire_class_sheet(db, code, NULL, NULL), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_class_sheet(NULL, code, NULL, &html), INSCRIRE_E_INVALID_ARGUMENT);
}

static void test_campaigns(inscrire_db *db, char *code5a, char *school) {
  inscrire_campaign *campaign = NULL;
  inscrire_campaign_list *list = NULL;
  char typed[32];

  CHECK_RC(inscrire_create_campaign(db, "0999999Z", "Pix", "5A", NULL, NULL),
           INSCRIRE_E_ORGANIZATION_NOT_FOUND);
  CHECK_RC(inscrire_create_campaign(db, UAI, "", "5A", NULL, &campaign),
           INSCRIRE_E_INVALID_ARGUMENT);
  CHECK(campaign == NULL);
  CHECK_RC(inscrire_create_campaign(db, UAI, "Pix", "5A", "\xfe", &campaign),
           INSCRIRE_E_INVALID_UTF8);
  CHECK_OK(inscrire_create_campaign(db, UAI, "Pix 5A", "5A", "Collège", &campaign));
  CHECK(strlen(inscrire_campaign_code(campaign)) == 9);
  strcpy(code5a, inscrire_campaign_code(campaign));
  CHECK_STR(inscrire_campaign_name(campaign), "Pix 5A");
  CHECK_STR(inscrire_campaign_uai(campaign), UAI);
  CHECK_STR(inscrire_campaign_division(campaign), "5A");
  CHECK_STR(inscrire_campaign_target_profile(campaign), "Collège");
  CHECK_STR(inscrire_campaign_status(campaign), "active");
  CHECK(inscrire_campaign_created_at(campaign) != NULL);
  inscrire_campaign_free(campaign);
  CHECK_OK(inscrire_create_campaign(db, UAI, "Whole school", NULL, NULL, &campaign));
  strcpy(school, inscrire_campaign_code(campaign));
  CHECK_STR(inscrire_campaign_division(campaign), "");
  inscrire_campaign_free(campaign);
  /* The created campaign is optional. */
  CHECK_OK(inscrire_create_campaign(db, UAI, "To archive", "5B", NULL, NULL));

  /* Codes as pupils type them: lower case, with a hyphen and spaces. */
  sprintf(typed, " %c%c%c-%s ", code5a[0] + 32, code5a[1] + 32, code5a[2] + 32, code5a + 3);
  CHECK_OK(inscrire_find_campaign(db, typed, "client-1", &campaign));
  CHECK_STR(inscrire_campaign_code(campaign), code5a);
  inscrire_campaign_free(campaign);
  CHECK_OK(inscrire_find_campaign(db, code5a, NULL, &campaign));
  inscrire_campaign_free(campaign);
  campaign = (inscrire_campaign *)&campaign;
  CHECK_RC(inscrire_find_campaign(db, "ZZZZZZ999", NULL, &campaign), INSCRIRE_E_CAMPAIGN_NOT_FOUND);
  CHECK(campaign == NULL);
  CHECK_RC(inscrire_find_campaign(db, code5a, NULL, NULL), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_find_campaign(db, NULL, NULL, &campaign), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_find_campaign(db, code5a, "\xff", &campaign), INSCRIRE_E_INVALID_UTF8);

  CHECK_OK(inscrire_campaigns(db, UAI, &list));
  CHECK(inscrire_campaign_list_count(list) == 3);
  CHECK(inscrire_campaign_list_get(list, 3) == NULL);
  CHECK(inscrire_campaign_code(inscrire_campaign_list_get(list, 0)) != NULL);
  inscrire_campaign_list_free(list);
  CHECK_RC(inscrire_campaigns(db, "0999999Z", &list), INSCRIRE_E_ORGANIZATION_NOT_FOUND);
  test_class_sheet(db, code5a);
}

static void test_match(inscrire_db *db, const char *code) {
  inscrire_match_report *report = NULL;
  const inscrire_learner *learner;
  CHECK_OK(inscrire_match(db, code, "noe", "saint exupery", "27/02/2014", NULL, &report));
  CHECK(inscrire_match_report_status(report) == INSCRIRE_OK);
  CHECK_STR(inscrire_match_report_username(report), "noe.saintexupery2702");
  CHECK(inscrire_match_report_masked_username(report) == NULL);
  CHECK_STR(inscrire_match_report_matched_by(report), "exact");
  learner = inscrire_match_report_learner(report);
  CHECK_STR(inscrire_learner_first_name(learner), "Noé");
  /* docs/rules.md §8: a pupil-facing result holds no INE and no birth date. */
  CHECK_STR(inscrire_learner_ine(learner), "");
  CHECK_STR(inscrire_learner_birthdate(learner), "");
  CHECK(inscrire_learner_username(learner) == NULL);
  inscrire_match_report_free(report);

  CHECK_OK(inscrire_match(db, code, "Noé", "Saint-Exupéry", "28/02/2013", "k", &report));
  CHECK(inscrire_match_report_status(report) == INSCRIRE_E_NO_LEARNER_FOR_BIRTHDATE);
  CHECK(inscrire_match_report_learner(report) == NULL);
  CHECK(inscrire_match_report_username(report) == NULL);
  inscrire_match_report_free(report);
  CHECK_OK(inscrire_match(db, code, "Bob", "Dylan", "27/02/2014", NULL, &report));
  CHECK(inscrire_match_report_status(report) == INSCRIRE_E_NO_NAME_MATCH);
  CHECK(inscrire_match_report_matched_by(report) == NULL);
  inscrire_match_report_free(report);
  /* First and last names swapped: found by a later stage (docs/matching.md). */
  CHECK_OK(inscrire_match(db, code, "Saint-Exupéry", "Noé", "27/02/2014", NULL, &report));
  CHECK(inscrire_match_report_status(report) == INSCRIRE_OK);
  CHECK_STR(inscrire_match_report_matched_by(report), "swapped");
  inscrire_match_report_free(report);
  CHECK(inscrire_match_report_matched_by(NULL) == NULL);

  report = (inscrire_match_report *)&report;
  CHECK_RC(inscrire_match(db, code, "Noé", "Saint-Exupéry", "27-02", NULL, &report),
           INSCRIRE_E_INVALID_BIRTHDATE_FORMAT);
  CHECK(report == NULL);
  CHECK_RC(inscrire_match(db, code, "", "Saint-Exupéry", "27/02/2014", NULL, &report),
           INSCRIRE_E_NAME_REQUIRED);
  CHECK_RC(inscrire_match(db, code, "No\xe9", "Saint-Exupéry", "27/02/2014", NULL, &report),
           INSCRIRE_E_INVALID_UTF8);
  CHECK_RC(inscrire_match(db, "NOPE", "Noé", "X", "27/02/2014", NULL, &report),
           INSCRIRE_E_CAMPAIGN_NOT_FOUND);
  CHECK_RC(inscrire_match(db, code, NULL, "X", "27/02/2014", NULL, &report),
           INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_match(db, code, "Noé", "X", "27/02/2014", NULL, NULL),
           INSCRIRE_E_INVALID_ARGUMENT);
}

/* Registers Léa MARTIN (2013) and checks the refusals on the way; returns her username in
 * `username`. */
static void test_register(inscrire_db *db, const char *code, char *username) {
  inscrire_registration *reg = (inscrire_registration *)&reg;
  inscrire_match_report *report = NULL;
  const char *first = "Léa", *last = "Martin", *born = "12/05/2013";

  CHECK_RC(inscrire_register(db, code, first, last, born, "", NULL, &reg),
           INSCRIRE_E_PASSWORD_REQUIRED);
  CHECK(reg == NULL);
  CHECK_RC(inscrire_register(db, code, first, last, born, "short1A", NULL, &reg),
           INSCRIRE_E_PASSWORD_TOO_WEAK);
  CHECK_RC(inscrire_register(db, code, first, last, born, "Martin2013x", NULL, &reg),
           INSCRIRE_E_PASSWORD_CONTAINS_PERSONAL_INFO);
  CHECK_RC(inscrire_register(db, code, first, last, born, "Azerty123", NULL, &reg),
           INSCRIRE_E_PASSWORD_TOO_COMMON);
  CHECK_RC(inscrire_register(db, code, first, last, born,
                             "Secret\xff"
                             "123x",
                             NULL, &reg),
           INSCRIRE_E_INVALID_UTF8);
  CHECK_RC(inscrire_register(db, code, first, last, born, NULL, NULL, &reg),
           INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_register(db, code, "Zoé", last, born, PASSWORD, NULL, &reg),
           INSCRIRE_E_NO_NAME_MATCH);

  CHECK_OK(inscrire_register(db, code, first, last, born, PASSWORD, "client-2", &reg));
  CHECK_STR(inscrire_registration_username(reg), "lea.martin1205");
  strcpy(username, inscrire_registration_username(reg));
  CHECK_STR(inscrire_registration_participation_status(reg), "STARTED");
  CHECK_STR(inscrire_registration_matched_by(reg), "exact");
  /* docs/rules.md §8: the pupil's names and class; no INE, no birth date, no username there. */
  CHECK_STR(inscrire_learner_first_name(inscrire_registration_learner(reg)), "Léa");
  CHECK_STR(inscrire_learner_ine(inscrire_registration_learner(reg)), "");
  CHECK_STR(inscrire_learner_birthdate(inscrire_registration_learner(reg)), "");
  CHECK(inscrire_learner_username(inscrire_registration_learner(reg)) == NULL);
  CHECK_STR(inscrire_campaign_code(inscrire_registration_campaign(reg)), code);
  inscrire_registration_free(reg);

  /* Her namesake born in 2014 gets another suffix (sequential policy: the next free one). */
  CHECK_OK(inscrire_register(db, code, first, last, "12/05/2014", PASSWORD, NULL, NULL));

  /* Twice: refused, with the existing account masked so that she can log in instead. */
  CHECK_RC(inscrire_register(db, code, first, last, born, PASSWORD, NULL, &reg),
           INSCRIRE_E_LEARNER_ALREADY_LINKED);
  CHECK(inscrire_error_last_masked_username() != NULL);
  CHECK(inscrire_error_last_masked_username()[0] == 'l');
  CHECK_OK(inscrire_match(db, code, first, last, born, NULL, &report));
  CHECK(inscrire_match_report_status(report) == INSCRIRE_E_LEARNER_ALREADY_LINKED);
  CHECK(inscrire_match_report_masked_username(report) != NULL);
  CHECK(inscrire_match_report_learner(report) != NULL);
  inscrire_match_report_free(report);
  CHECK(inscrire_error_last_masked_username() == NULL);
}

static void test_login(inscrire_db *db, const char *username, const char *school_code) {
  inscrire_login_result *result = (inscrire_login_result *)&result;
  inscrire_registration *reg = NULL;
  inscrire_learner_list *list = NULL;
  char token[128];

  CHECK_RC(inscrire_login(db, username, "Wrong123x", &result), INSCRIRE_E_INVALID_CREDENTIALS);
  CHECK(result == NULL);
  CHECK_RC(inscrire_login(db, "nobody.here0101", PASSWORD, &result),
           INSCRIRE_E_INVALID_CREDENTIALS);
  CHECK_RC(inscrire_login(db, username, NULL, &result), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_login(db, username, PASSWORD, NULL), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_OK(inscrire_login(db, username, PASSWORD, &result));
  CHECK(inscrire_login_result_status(result) == INSCRIRE_OK);
  CHECK_STR(inscrire_login_result_username(result), username);
  CHECK(inscrire_login_result_change_token(result) == NULL);
  CHECK(strlen(inscrire_login_result_session_token(result)) > 20);
  strcpy(token, inscrire_login_result_session_token(result));
  inscrire_login_result_free(result);

  /* Failed logins per client key across usernames (3 per key, see open_test_db): then even the
   * right password is refused for that key, not for another one or for no key. */
  CHECK_RC(inscrire_login_with_client_key(db, "walk.one0101", PASSWORD, "walker", &result),
           INSCRIRE_E_INVALID_CREDENTIALS);
  CHECK_RC(inscrire_login_with_client_key(db, "walk.two0101", PASSWORD, "walker", &result),
           INSCRIRE_E_INVALID_CREDENTIALS);
  CHECK_RC(inscrire_login_with_client_key(db, "walk.six0101", PASSWORD, "walker", &result),
           INSCRIRE_E_INVALID_CREDENTIALS);
  CHECK_RC(inscrire_login_with_client_key(db, username, PASSWORD, "walker", &result),
           INSCRIRE_E_TOO_MANY_ATTEMPTS);
  CHECK(result == NULL);
  CHECK(inscrire_error_last_retry_after() > 0);
  CHECK_RC(inscrire_login_with_client_key(db, username, PASSWORD, "walker\x1b[2J", &result),
           INSCRIRE_E_INVALID_VALUE);
  CHECK_OK(inscrire_login_with_client_key(db, username, PASSWORD, "patient", &result));
  inscrire_login_result_free(result);
  CHECK_OK(inscrire_login_with_client_key(db, username, PASSWORD, NULL, &result));
  inscrire_login_result_free(result);

  /* The session joins the whole-school campaign. */
  CHECK_RC(inscrire_join_campaign(db, "not-a-token", school_code, &reg),
           INSCRIRE_E_SESSION_INVALID);
  CHECK(reg == NULL);
  CHECK_RC(inscrire_join_campaign(db, token, "ZZZZZZ999", &reg), INSCRIRE_E_CAMPAIGN_NOT_FOUND);
  CHECK_OK(inscrire_not_joined(db, school_code, &list));
  CHECK(find_learner(list, "Léa", "2013-05-12") != NULL);
  inscrire_learner_list_free(list);
  CHECK_OK(inscrire_join_campaign(db, token, school_code, &reg));
  CHECK_STR(inscrire_registration_username(reg), username);
  CHECK_STR(inscrire_campaign_code(inscrire_registration_campaign(reg)), school_code);
  inscrire_registration_free(reg);
  CHECK_OK(inscrire_join_campaign(db, token, school_code, NULL));
  /* With an identity: this account's own learner is accepted, another one of the school is
   * refused, and NULL or invalid arguments are caught. */
  CHECK_OK(
      inscrire_join_campaign_as(db, token, school_code, "Léa", "Martin", "12/05/2013", NULL, &reg));
  CHECK_STR(inscrire_registration_username(reg), username);
  inscrire_registration_free(reg);
  CHECK_RC(
      inscrire_join_campaign_as(db, token, school_code, "Allan", "POE", "01/03/2014", NULL, &reg),
      INSCRIRE_E_USER_ALREADY_LINKED_IN_ORGANIZATION);
  CHECK(reg == NULL);
  CHECK_RC(inscrire_join_campaign_as(db, token, school_code, NULL, "POE", "01/03/2014", NULL, &reg),
           INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(
      inscrire_join_campaign_as(db, token, school_code, "Al\xff", "POE", "01/03/2014", NULL, &reg),
      INSCRIRE_E_INVALID_UTF8);
  CHECK_OK(inscrire_not_joined(db, school_code, &list));
  CHECK(find_learner(list, "Léa", "2013-05-12") == NULL);
  inscrire_learner_list_free(list);
  CHECK_RC(inscrire_not_joined(db, "ZZZZZZ999", &list), INSCRIRE_E_CAMPAIGN_NOT_FOUND);
  CHECK_RC(inscrire_not_joined(db, school_code, NULL), INSCRIRE_E_INVALID_ARGUMENT);

  /* Password change with the old password. */
  CHECK_RC(inscrire_change_password(db, username, "Wrong123x", "Nouveau456y"),
           INSCRIRE_E_INVALID_CREDENTIALS);
  CHECK_RC(inscrire_change_password(db, username, PASSWORD, "weak"), INSCRIRE_E_PASSWORD_TOO_WEAK);
  CHECK_RC(inscrire_change_password(db, username, NULL, "Nouveau456y"),
           INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_OK(inscrire_change_password(db, username, PASSWORD, "Nouveau456y"));
  CHECK_OK(inscrire_change_password(db, username, "Nouveau456y", PASSWORD));
}

static void test_admin(inscrire_db *db, const char *username) {
  inscrire_login_result *result = NULL;
  inscrire_credentials *credentials = NULL;
  char *temporary = NULL;
  char *json = NULL;
  char token[128];
  int i, rc = INSCRIRE_E_INVALID_CREDENTIALS;

  /* Reset: the temporary password must be changed, through a one-time token. */
  CHECK_RC(inscrire_reset_password(db, UAI, username, "tests", NULL), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_reset_password(db, UAI, "nobody.here0101", NULL, &temporary),
           INSCRIRE_E_USER_NOT_FOUND);
  CHECK(temporary == NULL);
  CHECK_OK(inscrire_reset_password(db, UAI, username, "tests", &temporary));
  CHECK(temporary != NULL && strlen(temporary) == 8);
  CHECK_OK(inscrire_login(db, username, temporary, &result));
  CHECK(inscrire_login_result_status(result) == INSCRIRE_E_PASSWORD_CHANGE_REQUIRED);
  CHECK(inscrire_login_result_session_token(result) == NULL);
  CHECK(inscrire_login_result_change_token(result) != NULL);
  strcpy(token, inscrire_login_result_change_token(result));
  inscrire_login_result_free(result);
  inscrire_string_free(temporary);
  CHECK_RC(inscrire_change_password_with_token(db, token, "weak"), INSCRIRE_E_PASSWORD_TOO_WEAK);
  CHECK_OK(inscrire_change_password_with_token(db, token, "Nouveau456y"));
  CHECK_RC(inscrire_change_password_with_token(db, token, "Encore789z"), INSCRIRE_E_INVALID_TOKEN);
  CHECK_RC(inscrire_change_password_with_token(db, NULL, "Encore789z"),
           INSCRIRE_E_INVALID_ARGUMENT);

  /* Every tenth consecutive failure blocks the account for a while (earlier tests already
   * failed a few times); the admin unblocks it. */
  for (i = 0; i < 10 && rc == INSCRIRE_E_INVALID_CREDENTIALS; ++i) {
    rc = inscrire_login(db, username, "Wrong123x", &result);
  }
  CHECK(rc == INSCRIRE_E_ACCOUNT_TEMPORARILY_BLOCKED);
  CHECK_RC(inscrire_login(db, username, "Nouveau456y", &result),
           INSCRIRE_E_ACCOUNT_TEMPORARILY_BLOCKED);
  CHECK(result == NULL);
  CHECK(inscrire_error_last_retry_after() > 0);
  CHECK(inscrire_error_last_remaining_attempts() == -1);
  CHECK_RC(inscrire_unblock(db, UAI, "nobody.here0101", NULL), INSCRIRE_E_USER_NOT_FOUND);
  CHECK_RC(inscrire_unblock(db, UAI, NULL, NULL), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_OK(inscrire_unblock(db, UAI, username, "tests"));
  CHECK_OK(inscrire_login(db, username, "Nouveau456y", &result));
  CHECK(inscrire_login_result_status(result) == INSCRIRE_OK);
  inscrire_login_result_free(result);

  /* Credentials for a whole class (5B: nobody there has registered). */
  CHECK_RC(inscrire_generate_credentials(db, UAI, "9Z", NULL, &credentials),
           INSCRIRE_E_LEARNER_NOT_FOUND);
  CHECK(credentials == NULL);
  CHECK_RC(inscrire_generate_credentials(db, UAI, "5B", NULL, NULL), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_OK(inscrire_generate_credentials(db, UAI, "5B", "tests", &credentials));
  CHECK(inscrire_credentials_count(credentials) == 5);
  CHECK_STR(inscrire_credentials_division(credentials, 0), "5B");
  CHECK(inscrire_credentials_last_name(credentials, 0) != NULL);
  CHECK(inscrire_credentials_first_name(credentials, 0) != NULL);
  CHECK(strchr(inscrire_credentials_username(credentials, 0), '.') != NULL);
  CHECK(strlen(inscrire_credentials_temporary_password(credentials, 0)) == 8);
  CHECK(inscrire_credentials_username(credentials, 5) == NULL);
  CHECK(strncmp(inscrire_credentials_csv(credentials),
                "\xef\xbb\xbf"
                "Classe;Nom;Prénom;Identifiant;Mot de passe",
                46) == 0);
  CHECK_OK(inscrire_login(db, inscrire_credentials_username(credentials, 0),
                          inscrire_credentials_temporary_password(credentials, 0), &result));
  CHECK(inscrire_login_result_status(result) == INSCRIRE_E_PASSWORD_CHANGE_REQUIRED);
  inscrire_login_result_free(result);
  inscrire_credentials_free(credentials);

  /* Export, then anonymize: the learner is gone, and the account no longer logs in. */
  CHECK_RC(inscrire_export_learner(db, UAI, "000000000XX", NULL, &json),
           INSCRIRE_E_LEARNER_NOT_FOUND);
  CHECK(json == NULL);
  CHECK_RC(inscrire_export_learner(db, UAI, "715208808PN", NULL, NULL),
           INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_OK(inscrire_export_learner(db, UAI, "715208808PN", "tests", &json));
  CHECK(json != NULL && json[0] == '{' && strstr(json, "715208808PN") != NULL);
  CHECK(strstr(json, username) != NULL);
  inscrire_string_free(json);
  CHECK_RC(inscrire_anonymize_learner(db, UAI, "000000000XX", NULL), INSCRIRE_E_LEARNER_NOT_FOUND);
  CHECK_RC(inscrire_anonymize_learner(db, UAI, NULL, NULL), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_OK(inscrire_anonymize_learner(db, UAI, "715208808PN", "tests"));
  CHECK_RC(inscrire_export_learner(db, UAI, "715208808PN", NULL, &json),
           INSCRIRE_E_LEARNER_NOT_FOUND);
  CHECK_RC(inscrire_login(db, username, "Nouveau456y", &result), INSCRIRE_E_INVALID_CREDENTIALS);
}

static void test_archive_and_throttle(inscrire_db *db, const char *code) {
  inscrire_campaign *campaign = NULL;
  inscrire_campaign_list *list = NULL;
  inscrire_match_report *report = NULL;
  char archived[16];
  int i, rc = INSCRIRE_OK;

  /* Throttling (10 failures per key, see open_test_db): a client key that keeps failing is told
   * to wait, for every throttled call. */
  for (i = 0; i < 11 && rc != INSCRIRE_E_TOO_MANY_ATTEMPTS; ++i) {
    rc = inscrire_find_campaign(db, "ZZZZZZ999", "greedy", &campaign);
  }
  CHECK(rc == INSCRIRE_E_TOO_MANY_ATTEMPTS && i == 11);
  CHECK(inscrire_error_last_retry_after() > 0);
  CHECK(last_message_has("Too many attempts"));
  CHECK_RC(inscrire_match(db, code, "Noé", "Saint-Exupéry", "27/02/2014", "greedy", &report),
           INSCRIRE_E_TOO_MANY_ATTEMPTS);
  CHECK(report == NULL);
  CHECK_RC(
      inscrire_register(db, code, "Noé", "Saint-Exupéry", "27/02/2014", PASSWORD, "greedy", NULL),
      INSCRIRE_E_TOO_MANY_ATTEMPTS);
  /* Another client is not affected. */
  CHECK_OK(inscrire_find_campaign(db, code, "patient", &campaign));
  inscrire_campaign_free(campaign);

  CHECK_OK(inscrire_campaigns(db, UAI, &list));
  for (i = 0; (size_t)i < inscrire_campaign_list_count(list); ++i) {
    const inscrire_campaign *c = inscrire_campaign_list_get(list, (size_t)i);
    if (strcmp(inscrire_campaign_name(c), "To archive") == 0) {
      strcpy(archived, inscrire_campaign_code(c));
    }
  }
  inscrire_campaign_list_free(list);
  CHECK_RC(inscrire_archive_campaign(db, "ZZZZZZ999", &campaign), INSCRIRE_E_CAMPAIGN_NOT_FOUND);
  CHECK_OK(inscrire_archive_campaign(db, archived, &campaign));
  CHECK_STR(inscrire_campaign_status(campaign), "archived");
  inscrire_campaign_free(campaign);
  CHECK_OK(inscrire_archive_campaign(db, archived, NULL));
  CHECK_RC(inscrire_find_campaign(db, archived, NULL, &campaign), INSCRIRE_E_CAMPAIGN_ARCHIVED);
  CHECK_RC(inscrire_register(db, archived, "Ambre", "Roux", "01/01/2014", PASSWORD, NULL, NULL),
           INSCRIRE_E_CAMPAIGN_ARCHIVED);
}

/* The handle's counters: what the calls above did, and one more refused match counted once. */
static void test_stats(inscrire_db *db, const char *code) {
  inscrire_service_stats *before = NULL;
  inscrire_service_stats *after = NULL;
  inscrire_match_report *report = NULL;
  CHECK_RC(inscrire_stats(NULL, &before), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK_RC(inscrire_stats(db, NULL), INSCRIRE_E_INVALID_ARGUMENT);
  CHECK(inscrire_service_stats_registrations(NULL) == 0);
  CHECK_OK(inscrire_stats(db, &before));
  CHECK(inscrire_service_stats_imports(before) >= 1);
  CHECK(inscrire_service_stats_registrations(before) >= 1);
  CHECK(inscrire_service_stats_matched_exact(before) >= 1);
  CHECK(inscrire_service_stats_logins(before) >= 1);
  CHECK(inscrire_service_stats_login_failures(before) >= 1);
  CHECK(inscrire_service_stats_throttled(before) >= 3); /* test_archive_and_throttle */
  CHECK_OK(inscrire_match(db, code, "Personne", "Inconnu", "27/02/2014", "counted", &report));
  inscrire_match_report_free(report);
  CHECK_OK(inscrire_stats(db, &after));
  CHECK(inscrire_service_stats_refused_no_name_match(after) ==
        inscrire_service_stats_refused_no_name_match(before) + 1);
  CHECK(inscrire_service_stats_registrations(after) ==
        inscrire_service_stats_registrations(before));
  CHECK(inscrire_service_stats_database_busy(after) == 0);
  inscrire_service_stats_free(before);
  inscrire_service_stats_free(after);
  inscrire_service_stats_free(NULL);
}

/* Messages follow the handle's language, whatever the process-wide one. */
static void test_languages(void) {
  inscrire_db *english = open_test_db("english.db", INSCRIRE_LANGUAGE_ENGLISH);
  inscrire_db *french = open_test_db("french.db", INSCRIRE_LANGUAGE_FRENCH);
  CHECK_RC(inscrire_create_organization(english, "bad", "X"), INSCRIRE_E_INVALID_UAI);
  CHECK(last_message_has("The UAI is invalid"));
  CHECK_RC(inscrire_create_organization(french, "bad", "X"), INSCRIRE_E_INVALID_UAI);
  CHECK(last_message_has("Le code UAI est invalide"));
  inscrire_db_free(english);
  inscrire_db_free(french);
}

int main(int argc, char **argv) {
  char code5a[16], school[16], username[64];
  inscrire_db *db;
  if (argc != 2) {
    fprintf(stderr, "usage: %s DATA_DIR\n", argv[0]);
    return 2;
  }
  data_dir = argv[1];
  if (make_temp_dir(temp_dir, sizeof temp_dir) != 0) return 2;

  test_version();
  test_error_model();
  test_names();
  test_options();
  test_open();
  test_null_handles();
  test_languages();

  db = open_test_db("school.db", INSCRIRE_LANGUAGE_ENGLISH);
  test_organizations(db);
  test_import(db);
  test_learners(db);
  test_campaigns(db, code5a, school);
  test_match(db, code5a);
  test_register(db, code5a, username);
  test_login(db, username, school);
  test_admin(db, username);
  test_archive_and_throttle(db, code5a);
  test_stats(db, code5a);
  inscrire_db_free(db);

  remove_tree(temp_dir);
  if (check_failures != 0) fprintf(stderr, "%d check(s) failed\n", check_failures);
  return check_failures == 0 ? 0 : 1;
}
