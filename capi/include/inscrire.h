/*
 * inscrire.h: the C ABI of inscrire, the only ABI the project promises.
 *
 * Conventions (docs/c-api.md has the long form):
 *  - Every fallible call returns int: INSCRIRE_OK (0) or a negative INSCRIRE_E_* code, pinned
 *    forever. Results go through out-params; on failure *out is NULL (one exception:
 *    inscrire_import_roster also hands back the report of a refused file).
 *  - inscrire_error_last() describes the last fallible call made by the calling thread.
 *  - Objects are opaque, created by the library and released with their own _free function,
 *    which accepts NULL. Strings returned as `char *` are released with inscrire_string_free,
 *    never free().
 *  - Accessors (`inscrire_<object>_<field>`) never fail: they return NULL, 0 or -1 for a NULL
 *    object or an index out of range. The `const char *` they return is borrowed: it stays
 *    valid until the object that owns it is freed.
 *  - Every string, in and out, is UTF-8; invalid UTF-8 gives INSCRIRE_E_INVALID_UTF8.
 *    File paths are passed to the operating system as they are.
 *  - Optional arguments are documented as "may be NULL"; any other NULL gives
 *    INSCRIRE_E_INVALID_ARGUMENT.
 *  - Threads: an inscrire_db may be shared by any number of threads. Every other object may be
 *    read from several threads at once but not freed while in use. Error state is per thread.
 */
#ifndef INSCRIRE_H
#define INSCRIRE_H

#include <stddef.h>
#include <stdint.h>

#include "inscrire_version.h"

#if defined(_WIN32)
#define INSCRIRE_API
#elif defined(__GNUC__)
#define INSCRIRE_API __attribute__((visibility("default")))
#else
#define INSCRIRE_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Version ---------------------------------------------------------------------------- */

/* INSCRIRE_VERSION_NUMBER and INSCRIRE_VERSION_STRING of the library actually loaded, which
 * may be newer than the header the program was compiled with. */
INSCRIRE_API unsigned inscrire_version_number(void);
INSCRIRE_API const char *inscrire_version_string(void);

/* ---- Errors ----------------------------------------------------------------------------- */

/* The codes of include/inscrire/error.hpp: INSCRIRE_E_<NAME> = -(position in that list + 1).
 * Never renumbered; new codes are appended. */
typedef enum inscrire_error_code {
  INSCRIRE_OK = 0,
  INSCRIRE_E_INTERNAL_ERROR = -1,
  INSCRIRE_E_INVALID_ARGUMENT = -2,
  INSCRIRE_E_INVALID_UTF8 = -3,
  INSCRIRE_E_NAME_REQUIRED = -4,
  INSCRIRE_E_NAME_TOO_LONG = -5,
  INSCRIRE_E_INVALID_NAME_CHARACTERS = -6,
  INSCRIRE_E_BIRTHDATE_REQUIRED = -7,
  INSCRIRE_E_INVALID_BIRTHDATE_FORMAT = -8,
  INSCRIRE_E_INVALID_BIRTHDATE = -9,
  INSCRIRE_E_BIRTHDATE_IN_FUTURE = -10,
  INSCRIRE_E_BIRTHDATE_TOO_OLD = -11,
  INSCRIRE_E_USERNAME_SPACE_EXHAUSTED = -12,
  INSCRIRE_E_DATABASE_ERROR = -13,
  INSCRIRE_E_DATABASE_BUSY = -14,
  INSCRIRE_E_SCHEMA_TOO_NEW = -15,
  INSCRIRE_E_INVALID_UAI = -16,
  INSCRIRE_E_ORGANIZATION_NOT_FOUND = -17,
  INSCRIRE_E_ORGANIZATION_EXISTS = -18,
  INSCRIRE_E_CAMPAIGN_NOT_FOUND = -19,
  INSCRIRE_E_CAMPAIGN_ARCHIVED = -20,
  INSCRIRE_E_CAMPAIGN_DELETED = -21,
  INSCRIRE_E_NO_LEARNER_FOR_BIRTHDATE = -22,
  INSCRIRE_E_NO_NAME_MATCH = -23,
  INSCRIRE_E_AMBIGUOUS_MATCH = -24,
  INSCRIRE_E_LEARNER_ALREADY_LINKED = -25,
  INSCRIRE_E_LEARNER_HAS_ACCOUNT_ELSEWHERE = -26,
  INSCRIRE_E_USER_ALREADY_LINKED_IN_ORGANIZATION = -27,
  INSCRIRE_E_PASSWORD_REQUIRED = -28,
  INSCRIRE_E_PASSWORD_TOO_WEAK = -29,
  INSCRIRE_E_PASSWORD_TOO_LONG = -30,
  INSCRIRE_E_INVALID_CREDENTIALS = -31,
  INSCRIRE_E_PASSWORD_CHANGE_REQUIRED = -32,
  INSCRIRE_E_ACCOUNT_TEMPORARILY_BLOCKED = -33,
  INSCRIRE_E_ACCOUNT_BLOCKED = -34,
  INSCRIRE_E_INVALID_TOKEN = -35,
  INSCRIRE_E_USER_NOT_FOUND = -36,
  INSCRIRE_E_LEARNER_NOT_FOUND = -37,
  INSCRIRE_E_LEARNER_HAS_NO_ACCOUNT = -38,
  INSCRIRE_E_LEARNER_DISABLED = -39,
  INSCRIRE_E_TOO_MANY_ATTEMPTS = -40,
  INSCRIRE_E_IMPORT_REFUSED = -41,
  INSCRIRE_E_INVALID_FILE = -42,
  INSCRIRE_E_EMPTY = -43,
  INSCRIRE_E_UAI_MISMATCH = -44,
  INSCRIRE_E_ENCODING_NOT_SUPPORTED = -45,
  INSCRIRE_E_FILE_TOO_LARGE = -46,
  INSCRIRE_E_INE_REQUIRED = -47,
  INSCRIRE_E_DUPLICATE_INE = -48,
  INSCRIRE_E_SEX_CODE_REQUIRED = -49,
  INSCRIRE_E_BIRTH_CITY_CODE_REQUIRED = -50,
  INSCRIRE_E_HEADER_REQUIRED = -51,
  INSCRIRE_E_HEADER_UNKNOWN = -52,
  INSCRIRE_E_FIELD_REQUIRED = -53,
  INSCRIRE_E_FIELD_TOO_LONG = -54,
  INSCRIRE_E_INVALID_DATE = -55,
  INSCRIRE_E_INVALID_VALUE = -56,
  INSCRIRE_E_DUPLICATE_ID = -57,
  INSCRIRE_E_INVALID_INSEE_CODE = -58,
  INSCRIRE_E_PASSWORD_CONTAINS_PERSONAL_INFO = -59,
  INSCRIRE_E_PASSWORD_TOO_COMMON = -60,
  INSCRIRE_E_ACCOUNT_DISABLED = -61,
  INSCRIRE_E_USERNAME_TAKEN = -62,
  INSCRIRE_E_SESSION_INVALID = -63,
  INSCRIRE_E_INVALID_PARTICIPATION_STATUS = -64,
  INSCRIRE_E_PARTICIPATION_NOT_FOUND = -65,
  INSCRIRE_E_LEARNER_NOT_LINKED = -66,
  INSCRIRE_E_CAMPAIGN_HAS_PARTICIPATIONS = -67,
  INSCRIRE_E_TEMPORARY_PASSWORD_EXPIRED = -68,
  INSCRIRE_E_DATABASE_UNAVAILABLE = -69,
  INSCRIRE_E_FORBIDDEN = -70,
  INSCRIRE_E_INVITATION_INVALID = -71,
  INSCRIRE_E_LAST_ADMIN = -72,
  INSCRIRE_E_STAFF_USERNAME_TAKEN = -73,
  INSCRIRE_E_SECOND_FACTOR_REQUIRED = -74,
  INSCRIRE_E_SECOND_FACTOR_INVALID = -75,
  INSCRIRE_E_SECOND_FACTOR_ENROLMENT_REQUIRED = -76
} inscrire_error_code;

/* Languages of the error messages. */
typedef enum inscrire_language {
  INSCRIRE_LANGUAGE_FRENCH = 0, /* the default */
  INSCRIRE_LANGUAGE_ENGLISH = 1
} inscrire_language;

/* "NO_NAME_MATCH" for INSCRIRE_E_NO_NAME_MATCH, "OK" for INSCRIRE_OK, NULL for a number that
 * is no code. Static storage. */
INSCRIRE_API const char *inscrire_error_code_name(int code);

/* The user-facing sentence for a code in `language` (inscrire_language); NULL for a number
 * that is no code or an unknown language. Static storage. */
INSCRIRE_API const char *inscrire_error_describe(int code, int language);

/* The outcome of the last fallible call on the calling thread: returns its code (INSCRIRE_OK
 * after a success) and, through the out-params that are not NULL, the code's name and a
 * message: the sentence of inscrire_error_describe followed by what exactly was wrong, in the
 * language of the handle used (or of inscrire_set_language). Both strings are borrowed: valid
 * until the thread's next fallible call. Never fails. */
INSCRIRE_API int inscrire_error_last(const char **code_name, const char **message);

/* Details of the last error on the calling thread, when it has them:
 * - masked_username: for LEARNER_ALREADY_LINKED and LEARNER_HAS_ACCOUNT_ELSEWHERE from
 *   inscrire_register, the existing account as "j***.h***2" (so the pupil can log in); NULL
 *   otherwise. Borrowed like inscrire_error_last's strings.
 * - remaining_attempts: for INVALID_CREDENTIALS, the attempts left before the account is
 *   blocked when 10 or fewer remain; -1 otherwise.
 * - retry_after: for ACCOUNT_TEMPORARILY_BLOCKED and TOO_MANY_ATTEMPTS, seconds to wait; 0
 *   otherwise. */
INSCRIRE_API const char *inscrire_error_last_masked_username(void);
INSCRIRE_API int inscrire_error_last_remaining_attempts(void);
INSCRIRE_API int64_t inscrire_error_last_retry_after(void);

/* Forgets the calling thread's last error. */
INSCRIRE_API void inscrire_error_clear(void);

/* The language of messages for calls made without a handle, and with handles whose options
 * did not set one. Process-wide; French until changed. Returns INSCRIRE_E_INVALID_ARGUMENT for
 * an unknown language. */
INSCRIRE_API int inscrire_set_language(int language);

/* Releases a string the library returned as `char *`. Accepts NULL. */
INSCRIRE_API void inscrire_string_free(char *string);

/* ---- Names (no database) ---------------------------------------------------------------- */

/* The base username "first.lastDDMM" of a pupil, as the roster would give it before
 * collisions are resolved. birthdate: "DD/MM/YYYY" (also D/M/YYYY, with '/', '.' or '-').
 * *out: free with inscrire_string_free. */
INSCRIRE_API int inscrire_username(const char *first_name, const char *last_name,
                                   const char *birthdate, char **out);

/* The comparison key of a name: "Œnone" -> "oenone", "Jean-Marc" -> "jeanmarc".
 * *out: free with inscrire_string_free. */
INSCRIRE_API int inscrire_normalize(const char *text, char **out);

/* ---- Options and database handle -------------------------------------------------------- */

typedef struct inscrire_options inscrire_options;
typedef struct inscrire_db inscrire_db;
/* Who acts in an admin call: a staff session, an identity a platform asserts, or the operator
 * (see "Staff, actors and the audit log" below). The `_as` variants of the admin calls take
 * one; NULL there means the default actor. */
typedef struct inscrire_actor inscrire_actor;

/* How a username taken by another pupil gets its four-digit suffix. */
typedef enum inscrire_username_policy {
  INSCRIRE_USERNAME_RANDOM = 0,    /* uniform among free suffixes (default) */
  INSCRIRE_USERNAME_SEQUENTIAL = 1 /* first free suffix after DDMM (predictable) */
} inscrire_username_policy;

/* Which rules match a pupil to the roster (docs/matching.md). */
typedef enum inscrire_matching {
  INSCRIRE_MATCHING_EXTENDED = 0, /* the two passes, then the later stages (default) */
  INSCRIRE_MATCHING_PIX = 1       /* the two passes of Pix alone: exact, then tolerant */
} inscrire_matching;

/* Options for inscrire_db_open_v2, starting at the library's defaults. */
INSCRIRE_API int inscrire_options_new(inscrire_options **out);
INSCRIRE_API void inscrire_options_free(inscrire_options *options);
/* An inscrire_username_policy. */
INSCRIRE_API int inscrire_options_set_username_policy(inscrire_options *options, int policy);
/* Argon2id memory in KiB (default 19456, at least 8) and passes (default 2, at least 1) for
 * new password hashes. Lower them only for tests. */
INSCRIRE_API int inscrire_options_set_hash_memory(inscrire_options *options, uint32_t kib);
INSCRIRE_API int inscrire_options_set_hash_iterations(inscrire_options *options,
                                                      uint32_t iterations);
/* How long a call waits for another process holding the database, in ms (default 10000). */
INSCRIRE_API int inscrire_options_set_busy_timeout(inscrire_options *options, int ms);
/* The language of the error messages of this handle's calls (inscrire_language). */
INSCRIRE_API int inscrire_options_set_language(inscrire_options *options, int language);
/* Throttling of pupils' guesses: a client key (inscrire_find_campaign, inscrire_match,
 * inscrire_register) is refused with TOO_MANY_ATTEMPTS after max_failures failed look-ups or
 * matches within window_seconds (defaults: the C++ ThrottleOptions). Both at least 1. */
INSCRIRE_API int inscrire_options_set_throttle(inscrire_options *options, int max_failures,
                                               int window_seconds);
/* Throttling of logins per client key across every username (inscrire_login_with_client_key):
 * refused with TOO_MANY_ATTEMPTS after max_failures failed logins within window_seconds
 * (defaults 50 and 600). Successful logins never count. Both at least 1. */
INSCRIRE_API int inscrire_options_set_login_throttle(inscrire_options *options, int max_failures,
                                                     int window_seconds);
/* Nonzero (default): refuse passwords holding the pupil's names or common ones. */
INSCRIRE_API int inscrire_options_set_refuse_weak_passwords(inscrire_options *options, int refuse);
/* INSCRIRE_MATCHING_EXTENDED (default) or INSCRIRE_MATCHING_PIX. */
INSCRIRE_API int inscrire_options_set_matching(inscrire_options *options, int matching);
/* How long a session from inscrire_login lasts, in seconds (default 28800, 8 hours; at least
 * 1). A session also ends with inscrire_logout and when the account's password changes. */
INSCRIRE_API int inscrire_options_set_session_lifetime(inscrire_options *options, int seconds);
/* After how many days an unused temporary password (inscrire_reset_password,
 * inscrire_generate_credentials) stops logging in (default 30, at least 1): login then fails
 * with INSCRIRE_E_TEMPORARY_PASSWORD_EXPIRED. */
INSCRIRE_API int inscrire_options_set_temporary_password_days(inscrire_options *options, int days);
/* Nonzero: an admin call without a staff or asserted actor (the default actor: NULL, or a
 * function without `_as`) is INSCRIRE_E_FORBIDDEN unless it names the operator
 * (inscrire_actor_operator). Default 0, as before staff accounts existed. */
INSCRIRE_API int inscrire_options_set_require_staff(inscrire_options *options, int require);
/* A staff session ends after idle_seconds without use (default 1800; 60 to 86400) and after
 * absolute_seconds in all (default 28800; idle_seconds to 604800). */
INSCRIRE_API int inscrire_options_set_staff_sessions(inscrire_options *options, int idle_seconds,
                                                     int absolute_seconds);
/* The staff second factor: policy "off" (default), "admins" (every ADMIN enrols before doing
 * anything else) or "all"; key_file (may be NULL: none) names a file of 32 random bytes, not
 * readable by group or others, under which TOTP secrets are stored sealed (AES-256-GCM). The
 * file is read by inscrire_db_open_v2, which fails with INSCRIRE_E_INVALID_ARGUMENT when it is
 * missing or unfit. */
INSCRIRE_API int inscrire_options_set_second_factor(inscrire_options *options, const char *policy,
                                                    const char *key_file);
/* How long an invitation is valid when inscrire_invite_staff is given 0 days (default 7; 1 to
 * 90). */
INSCRIRE_API int inscrire_options_set_invitation_days(inscrire_options *options, int days);
/* What inscrire_purge_audit deletes when given 0 days: rows older than this (default 365; 1 to
 * 3650). */
INSCRIRE_API int inscrire_options_set_audit_retention_days(inscrire_options *options, int days);

/* Opens or creates the database file and migrates its schema. options may be NULL (defaults)
 * and may be freed once the call returns. *out: free with inscrire_db_free. */
INSCRIRE_API int inscrire_db_open_v2(const char *path, const inscrire_options *options,
                                     inscrire_db **out);
/* inscrire_db_open_v2 with default options. */
INSCRIRE_API int inscrire_db_open(const char *path, inscrire_db **out);
/* Closes the database. No other thread may be using the handle. Accepts NULL. */
INSCRIRE_API void inscrire_db_free(inscrire_db *db);

/* ---- Schools ---------------------------------------------------------------------------- */

typedef struct inscrire_organization_list inscrire_organization_list;

/* Registers a school. uai: 7 digits and a letter (case ignored). */
INSCRIRE_API int inscrire_create_organization(inscrire_db *db, const char *uai, const char *name);
/* The same, as `actor` (may be NULL: the default actor): the operator only. Audited. */
INSCRIRE_API int inscrire_create_organization_as(inscrire_db *db, const char *uai, const char *name,
                                                 const inscrire_actor *actor);
/* Every school. *out: free with inscrire_organization_list_free. */
INSCRIRE_API int inscrire_organizations(inscrire_db *db, inscrire_organization_list **out);
/* The schools `actor` (may be NULL: the default actor) belongs to, every school for the
 * operator, ordered by UAI. *out: free with inscrire_organization_list_free. */
INSCRIRE_API int inscrire_organizations_as(inscrire_db *db, const inscrire_actor *actor,
                                           inscrire_organization_list **out);
INSCRIRE_API size_t inscrire_organization_list_count(const inscrire_organization_list *list);
INSCRIRE_API const char *inscrire_organization_list_uai(const inscrire_organization_list *list,
                                                        size_t index);
INSCRIRE_API const char *inscrire_organization_list_name(const inscrire_organization_list *list,
                                                         size_t index);
INSCRIRE_API void inscrire_organization_list_free(inscrire_organization_list *list);

/* ---- Rosters ---------------------------------------------------------------------------- */

typedef struct inscrire_import_report inscrire_import_report;

/* Flags of inscrire_import_roster. */
#define INSCRIRE_IMPORT_DRY_RUN 1u /* validate and report, write nothing */

/* Why pupils of a file were not imported (inscrire_import_report_skipped). */
typedef enum inscrire_skip_reason {
  INSCRIRE_SKIP_LEFT = 0,       /* left the school (DATE_SORTIE) */
  INSCRIRE_SKIP_NO_INE = 1,     /* no national id */
  INSCRIRE_SKIP_NO_DIVISION = 2 /* no class */
} inscrire_skip_reason;

/* Imports a SIECLE XML (zipped or not) or CSV roster into a school: one transaction, or
 * nothing. flags: 0 or INSCRIRE_IMPORT_DRY_RUN.
 * On success *out is the report. When the file is refused (the code of its first error, e.g.
 * INSCRIRE_E_UAI_MISMATCH), *out is still set: a report listing every error; free it too.
 * On any other failure *out is NULL. Free with inscrire_import_report_free. */
INSCRIRE_API int inscrire_import_roster(inscrire_db *db, const char *uai, const char *path,
                                        unsigned flags, inscrire_import_report **out);
/* The same, as `actor` (may be NULL: the default actor). Audited with its counts. */
INSCRIRE_API int inscrire_import_roster_as(inscrire_db *db, const char *uai, const char *path,
                                           unsigned flags, const inscrire_actor *actor,
                                           inscrire_import_report **out);
INSCRIRE_API int inscrire_import_report_created(const inscrire_import_report *report);
INSCRIRE_API int inscrire_import_report_updated(const inscrire_import_report *report);
INSCRIRE_API int inscrire_import_report_disabled(const inscrire_import_report *report);
INSCRIRE_API int inscrire_import_report_reenabled(const inscrire_import_report *report);
/* Rows given an existing account automatically. */
INSCRIRE_API int inscrire_import_report_linked(const inscrire_import_report *report);
/* Pupils skipped for one inscrire_skip_reason; -1 for an unknown reason. */
INSCRIRE_API int inscrire_import_report_skipped(const inscrire_import_report *report, int reason);
INSCRIRE_API int inscrire_import_report_dry_run(const inscrire_import_report *report);
/* The errors of a refused file, in file order. */
INSCRIRE_API size_t inscrire_import_report_error_count(const inscrire_import_report *report);
/* An INSCRIRE_E_* code; INSCRIRE_OK for an index out of range. */
INSCRIRE_API int inscrire_import_report_error_code(const inscrire_import_report *report,
                                                   size_t index);
/* CSV line (header = 1), 0 when not applicable. */
INSCRIRE_API int inscrire_import_report_error_line(const inscrire_import_report *report,
                                                   size_t index);
/* Where the error is: the pupil's INE, the ELEVE_ID when the INE is missing, the element or
 * column, and an English detail; "" when not applicable. */
INSCRIRE_API const char *inscrire_import_report_error_ine(const inscrire_import_report *report,
                                                          size_t index);
INSCRIRE_API const char *inscrire_import_report_error_pupil_id(const inscrire_import_report *report,
                                                               size_t index);
INSCRIRE_API const char *inscrire_import_report_error_field(const inscrire_import_report *report,
                                                            size_t index);
INSCRIRE_API const char *inscrire_import_report_error_detail(const inscrire_import_report *report,
                                                             size_t index);
INSCRIRE_API void inscrire_import_report_free(inscrire_import_report *report);

/* ---- Learners (roster rows) ------------------------------------------------------------- */

typedef struct inscrire_learner inscrire_learner;
typedef struct inscrire_learner_list inscrire_learner_list;

/* The roster of a school, or of one class when division is not NULL; disabled rows (pupils
 * who left) only when include_disabled is nonzero. *out: free with inscrire_learner_list_free.*/
INSCRIRE_API int inscrire_learners(inscrire_db *db, const char *uai, const char *division,
                                   int include_disabled, inscrire_learner_list **out);
/* The same, as `actor` (may be NULL: the default actor). */
INSCRIRE_API int inscrire_learners_as(inscrire_db *db, const char *uai, const char *division,
                                      int include_disabled, const inscrire_actor *actor,
                                      inscrire_learner_list **out);
INSCRIRE_API size_t inscrire_learner_list_count(const inscrire_learner_list *list);
/* Borrowed: valid until the list is freed. NULL for an index out of range. */
INSCRIRE_API const inscrire_learner *inscrire_learner_list_get(const inscrire_learner_list *list,
                                                               size_t index);
INSCRIRE_API void inscrire_learner_list_free(inscrire_learner_list *list);

INSCRIRE_API const char *inscrire_learner_ine(const inscrire_learner *learner);
INSCRIRE_API const char *inscrire_learner_first_name(const inscrire_learner *learner);
INSCRIRE_API const char *inscrire_learner_second_name(const inscrire_learner *learner);
INSCRIRE_API const char *inscrire_learner_third_name(const inscrire_learner *learner);
INSCRIRE_API const char *inscrire_learner_last_name(const inscrire_learner *learner);
INSCRIRE_API const char *inscrire_learner_usage_name(const inscrire_learner *learner);
/* ISO "YYYY-MM-DD". */
INSCRIRE_API const char *inscrire_learner_birthdate(const inscrire_learner *learner);
INSCRIRE_API const char *inscrire_learner_division(const inscrire_learner *learner);
INSCRIRE_API int inscrire_learner_disabled(const inscrire_learner *learner);
/* The linked account's username; NULL when the learner has none. */
INSCRIRE_API const char *inscrire_learner_username(const inscrire_learner *learner);
/* The learner of a pupil-facing result (inscrire_match_report_learner,
 * inscrire_registration_learner) holds only what the pupil may see (docs/rules.md §8): first name,
 * last name and division. On it, inscrire_learner_ine and inscrire_learner_birthdate return ""
 * and the other names "", inscrire_learner_username NULL: deprecated there, kept so that the
 * ABI only grows. Admin lists (inscrire_learners, inscrire_not_joined) keep full rows. */

/* ---- Learners with their account state (admin view) ------------------------------------- */

typedef struct inscrire_account_view inscrire_account_view;
typedef struct inscrire_learner_account inscrire_learner_account;
typedef struct inscrire_learner_account_list inscrire_learner_account_list;
typedef struct inscrire_account_details inscrire_account_details;

/* One page of the admin list of a school's learners, disabled ones included, with their
 * account state, ordered by last name, first name, INE. division may be NULL (every class);
 * state may be NULL (every state) or one of "no_account", "active", "must_change_password",
 * "blocked", "disabled" (INSCRIRE_E_INVALID_ARGUMENT otherwise). limit: 1 to 1000, or 0 for
 * the default page of 100; offset: 0 to 10000000; INSCRIRE_E_INVALID_ARGUMENT out of range.
 * *out: free with inscrire_learner_account_list_free. */
INSCRIRE_API int inscrire_learners_v2(inscrire_db *db, const char *uai, const char *division,
                                      const char *state, int limit, int offset,
                                      inscrire_learner_account_list **out);
/* The same, as `actor` (may be NULL: the default actor). */
INSCRIRE_API int inscrire_learners_v2_as(inscrire_db *db, const char *uai, const char *division,
                                         const char *state, int limit, int offset,
                                         const inscrire_actor *actor,
                                         inscrire_learner_account_list **out);
/* The same with a search (docs/rules.md §10; may be NULL: no search): the words of the text,
 * folded as names are matched (accents, case, hyphens, other scripts), each the start of one
 * of the learner's names; or an exact INE; or the username of the learner's account. At most
 * 100 characters (INSCRIRE_E_FIELD_TOO_LONG). */
INSCRIRE_API int inscrire_learners_v3(inscrire_db *db, const char *uai, const char *division,
                                      const char *state, const char *search, int limit, int offset,
                                      inscrire_learner_account_list **out);
/* The same, as `actor` (may be NULL: the default actor). */
INSCRIRE_API int inscrire_learners_v3_as(inscrire_db *db, const char *uai, const char *division,
                                         const char *state, const char *search, int limit,
                                         int offset, const inscrire_actor *actor,
                                         inscrire_learner_account_list **out);
INSCRIRE_API size_t inscrire_learner_account_list_count(const inscrire_learner_account_list *list);
/* Borrowed: valid until the list is freed. NULL for an index out of range. */
INSCRIRE_API const inscrire_learner_account *inscrire_learner_account_list_get(
    const inscrire_learner_account_list *list, size_t index);
INSCRIRE_API void inscrire_learner_account_list_free(inscrire_learner_account_list *list);

/* One learner of a school by INE, with its account state (the operation learner(uai, ine);
 * inscrire_learner names the row type). INSCRIRE_E_LEARNER_NOT_FOUND.
 * *out: free with inscrire_learner_account_free. */
INSCRIRE_API int inscrire_find_learner(inscrire_db *db, const char *uai, const char *ine,
                                       inscrire_learner_account **out);
/* The same, as `actor` (may be NULL: the default actor). */
INSCRIRE_API int inscrire_find_learner_as(inscrire_db *db, const char *uai, const char *ine,
                                          const inscrire_actor *actor,
                                          inscrire_learner_account **out);
/* The roster row. Borrowed: valid until its owner is freed. */
INSCRIRE_API const inscrire_learner *inscrire_learner_account_learner(
    const inscrire_learner_account *row);
/* "no_account", "active", "must_change_password", "blocked" or "disabled". Static storage. */
INSCRIRE_API const char *inscrire_learner_account_state(const inscrire_learner_account *row);
/* The linked account; NULL when the learner has none. Borrowed like the row. */
INSCRIRE_API const inscrire_account_view *inscrire_learner_account_account(
    const inscrire_learner_account *row);
/* Frees a row from inscrire_find_learner (never one borrowed from a list). Accepts NULL. */
INSCRIRE_API void inscrire_learner_account_free(inscrire_learner_account *row);

/* An account as an admin sees it (never its password hash). Times are unix seconds. */
INSCRIRE_API const char *inscrire_account_view_username(const inscrire_account_view *account);
INSCRIRE_API int inscrire_account_view_must_change_password(const inscrire_account_view *account);
/* "none", "temporary" or "permanent". Static storage. */
INSCRIRE_API const char *inscrire_account_view_blocked(const inscrire_account_view *account);
/* When a temporary block ends; 0 when not temporarily blocked. */
INSCRIRE_API int64_t inscrire_account_view_blocked_until(const inscrire_account_view *account);
INSCRIRE_API int inscrire_account_view_failed_attempts(const inscrire_account_view *account);
INSCRIRE_API int inscrire_account_view_disabled(const inscrire_account_view *account);
/* The last successful login; 0 when the account never logged in. */
INSCRIRE_API int64_t inscrire_account_view_last_login_at(const inscrire_account_view *account);
/* When its temporary password stops logging in; 0 when it has none. */
INSCRIRE_API int64_t inscrire_account_view_temporary_expires_at(const inscrire_account_view *a);
/* How many participations the account has. */
INSCRIRE_API int inscrire_account_view_participations(const inscrire_account_view *account);

/* One account with every learner it is linked to (the operation account(username)).
 * INSCRIRE_E_USER_NOT_FOUND. *out: free with inscrire_account_details_free. */
INSCRIRE_API int inscrire_account(inscrire_db *db, const char *username,
                                  inscrire_account_details **out);
/* The same, as `actor` (may be NULL: the default actor): for staff, only the learners of their
 * schools are listed (INSCRIRE_E_FORBIDDEN when there is none). */
INSCRIRE_API int inscrire_account_as(inscrire_db *db, const char *username,
                                     const inscrire_actor *actor, inscrire_account_details **out);
/* Borrowed: valid until the details are freed. */
INSCRIRE_API const inscrire_account_view *inscrire_account_details_account(
    const inscrire_account_details *details);
INSCRIRE_API size_t inscrire_account_details_learner_count(const inscrire_account_details *details);
INSCRIRE_API const char *inscrire_account_details_learner_uai(
    const inscrire_account_details *details, size_t index);
INSCRIRE_API const char *inscrire_account_details_learner_school(
    const inscrire_account_details *details, size_t index);
/* Borrowed: valid until the details are freed. NULL for an index out of range. */
INSCRIRE_API const inscrire_learner *inscrire_account_details_learner(
    const inscrire_account_details *details, size_t index);
INSCRIRE_API void inscrire_account_details_free(inscrire_account_details *details);

/* Unlinks the learner from its account ("dissocier"): the account keeps its username,
 * password and participations; the learner may register again and gets a new account.
 * Audited; actor may be NULL ("admin"). INSCRIRE_E_LEARNER_NOT_FOUND,
 * INSCRIRE_E_LEARNER_NOT_LINKED. */
INSCRIRE_API int inscrire_dissociate(inscrire_db *db, const char *uai, const char *ine,
                                     const char *actor);
/* The same, as `actor` (may be NULL: the default actor). */
INSCRIRE_API int inscrire_dissociate_as(inscrire_db *db, const char *uai, const char *ine,
                                        const inscrire_actor *actor);

/* ---- Campaigns -------------------------------------------------------------------------- */

typedef struct inscrire_campaign inscrire_campaign;
typedef struct inscrire_campaign_list inscrire_campaign_list;

/* A campaign for a school, restricted to one class when division is not NULL. target_profile
 * may be NULL. *out (may be NULL if the campaign is not wanted): free with
 * inscrire_campaign_free. Its code is what pupils type. */
INSCRIRE_API int inscrire_create_campaign(inscrire_db *db, const char *uai, const char *name,
                                          const char *division, const char *target_profile,
                                          inscrire_campaign **out);
/* The same, as `actor` (may be NULL: the default actor), who owns the campaign when a staff
 * member or an asserted identity; owner (may be NULL: none) names another member of the
 * school (a staff username) as its owner, which only an ADMIN or the operator may do. */
INSCRIRE_API int inscrire_create_campaign_as(inscrire_db *db, const char *uai, const char *name,
                                             const char *division, const char *target_profile,
                                             const char *owner, const inscrire_actor *actor,
                                             inscrire_campaign **out);
/* Looks a code up as a pupil types it (case, spaces and hyphens ignored). client_key (may be
 * NULL) identifies the client for throttling failed look-ups. */
INSCRIRE_API int inscrire_find_campaign(inscrire_db *db, const char *code, const char *client_key,
                                        inscrire_campaign **out);
/* Archives a campaign; *out (may be NULL) receives it as archived. */
INSCRIRE_API int inscrire_archive_campaign(inscrire_db *db, const char *code,
                                           inscrire_campaign **out);
/* The same, as `actor` (may be NULL: the default actor): the campaign's owner or an ADMIN. */
INSCRIRE_API int inscrire_archive_campaign_as(inscrire_db *db, const char *code,
                                              const inscrire_actor *actor, inscrire_campaign **out);
/* The campaigns of a school, ordered by id, deleted ones left out.
 * *out: free with inscrire_campaign_list_free. */
INSCRIRE_API int inscrire_campaigns(inscrire_db *db, const char *uai, inscrire_campaign_list **out);
/* The same, as `actor` (may be NULL: the default actor). */
INSCRIRE_API int inscrire_campaigns_as(inscrire_db *db, const char *uai,
                                       const inscrire_actor *actor, inscrire_campaign_list **out);
/* Flags of inscrire_campaigns_v2. */
#define INSCRIRE_CAMPAIGNS_INCLUDE_DELETED 1u /* deleted campaigns listed too */
/* The campaigns of a school, ordered by id; deleted ones only with
 * INSCRIRE_CAMPAIGNS_INCLUDE_DELETED (INSCRIRE_E_INVALID_ARGUMENT for another flag).
 * *out: free with inscrire_campaign_list_free. */
INSCRIRE_API int inscrire_campaigns_v2(inscrire_db *db, const char *uai, unsigned flags,
                                       inscrire_campaign_list **out);
/* The same, as `actor` (may be NULL: the default actor). */
INSCRIRE_API int inscrire_campaigns_v2_as(inscrire_db *db, const char *uai, unsigned flags,
                                          const inscrire_actor *actor,
                                          inscrire_campaign_list **out);
/* Renames a campaign (name; its code stays) and/or names another owner (owner: the username
 * of a member of its school; an ADMIN or the operator only). NULL leaves that one as it is.
 * A name is checked as at creation (INSCRIRE_E_FIELD_TOO_LONG, INSCRIRE_E_INVALID_ARGUMENT).
 * Audited. *out (may be NULL) receives the campaign as updated: free with
 * inscrire_campaign_free. */
INSCRIRE_API int inscrire_update_campaign(inscrire_db *db, const char *code, const char *name,
                                          const char *owner, inscrire_campaign **out);
/* The same, as `actor` (may be NULL: the default actor): the campaign's owner or an ADMIN. */
INSCRIRE_API int inscrire_update_campaign_as(inscrire_db *db, const char *code, const char *name,
                                             const char *owner, const inscrire_actor *actor,
                                             inscrire_campaign **out);
/* Deletes the participation of the learner `ine` in the campaign (docs/rules.md §10), such as
 * a pupil's who joined with another class's code: the learner is NOT_JOINED there again, the
 * account untouched. Audited. INSCRIRE_E_LEARNER_NOT_FOUND,
 * INSCRIRE_E_PARTICIPATION_NOT_FOUND. */
INSCRIRE_API int inscrire_delete_participation(inscrire_db *db, const char *code, const char *ine);
/* The same, as `actor` (may be NULL: the default actor): the campaign's owner or an ADMIN. */
INSCRIRE_API int inscrire_delete_participation_as(inscrire_db *db, const char *code,
                                                  const char *ine, const inscrire_actor *actor);
INSCRIRE_API size_t inscrire_campaign_list_count(const inscrire_campaign_list *list);
/* Borrowed: valid until the list is freed. NULL for an index out of range. */
INSCRIRE_API const inscrire_campaign *inscrire_campaign_list_get(const inscrire_campaign_list *list,
                                                                 size_t index);
INSCRIRE_API void inscrire_campaign_list_free(inscrire_campaign_list *list);

INSCRIRE_API const char *inscrire_campaign_code(const inscrire_campaign *campaign);
INSCRIRE_API const char *inscrire_campaign_name(const inscrire_campaign *campaign);
INSCRIRE_API const char *inscrire_campaign_uai(const inscrire_campaign *campaign);
/* "" for a whole-school campaign. */
INSCRIRE_API const char *inscrire_campaign_division(const inscrire_campaign *campaign);
INSCRIRE_API const char *inscrire_campaign_target_profile(const inscrire_campaign *campaign);
/* "active", "archived" or "deleted". */
INSCRIRE_API const char *inscrire_campaign_status(const inscrire_campaign *campaign);
INSCRIRE_API const char *inscrire_campaign_created_at(const inscrire_campaign *campaign);
/* Its owner (a staff member's username, or an asserted subject); "" for none. */
INSCRIRE_API const char *inscrire_campaign_owner(const inscrire_campaign *campaign);
INSCRIRE_API void inscrire_campaign_free(inscrire_campaign *campaign);

/* Brings an archived campaign back to active (an active one stays so); *out (may be NULL)
 * receives it. INSCRIRE_E_CAMPAIGN_NOT_FOUND, INSCRIRE_E_CAMPAIGN_DELETED. */
INSCRIRE_API int inscrire_unarchive_campaign(inscrire_db *db, const char *code,
                                             inscrire_campaign **out);
/* The same, as `actor` (may be NULL: the default actor): the campaign's owner or an ADMIN. */
INSCRIRE_API int inscrire_unarchive_campaign_as(inscrire_db *db, const char *code,
                                                const inscrire_actor *actor,
                                                inscrire_campaign **out);
/* Deletes a campaign nobody joined (INSCRIRE_E_CAMPAIGN_HAS_PARTICIPATIONS otherwise: archive
 * it instead); its code then answers INSCRIRE_E_CAMPAIGN_DELETED. Audited; actor may be NULL
 * ("admin"). */
INSCRIRE_API int inscrire_delete_campaign(inscrire_db *db, const char *code, const char *actor);
/* The same, as `actor` (may be NULL: the default actor): the campaign's owner or an ADMIN. */
INSCRIRE_API int inscrire_delete_campaign_as(inscrire_db *db, const char *code,
                                             const inscrire_actor *actor);

/* Learners of the campaign's class (or school) who have not joined it yet.
 * *out: free with inscrire_learner_list_free. */
INSCRIRE_API int inscrire_not_joined(inscrire_db *db, const char *code,
                                     inscrire_learner_list **out);
/* The same, as `actor` (may be NULL: the default actor). */
INSCRIRE_API int inscrire_not_joined_as(inscrire_db *db, const char *code,
                                        const inscrire_actor *actor, inscrire_learner_list **out);

/* The printable class sheet ("fiche élève") of a campaign: an HTML page in French with the
 * school, the code and the steps a pupil follows. base_url may be NULL; otherwise it is the
 * platform's sign-up address (http:// or https://, printable ASCII, 200 characters at most,
 * e.g. "https://inscrire.example.fr/c/") and the page also carries the direct link
 * base_url + code and the same link as a QR code (inline SVG). INSCRIRE_E_INVALID_ARGUMENT for
 * another base URL, INSCRIRE_E_CAMPAIGN_NOT_FOUND. *html: free with inscrire_string_free. */
INSCRIRE_API int inscrire_class_sheet(inscrire_db *db, const char *code, const char *base_url,
                                      char **html);
/* The same, as `actor` (may be NULL: the default actor). */
INSCRIRE_API int inscrire_class_sheet_as(inscrire_db *db, const char *code, const char *base_url,
                                         const inscrire_actor *actor, char **html);

typedef struct inscrire_participant_list inscrire_participant_list;

/* Every learner the campaign targets (its class, or its school) with the status of their
 * participation, ordered by class, last name, first name: the teacher's follow-up list.
 * INSCRIRE_E_CAMPAIGN_NOT_FOUND. *out: free with inscrire_participant_list_free. */
INSCRIRE_API int inscrire_campaign_participants(inscrire_db *db, const char *code,
                                                inscrire_participant_list **out);
/* The same, as `actor` (may be NULL: the default actor). */
INSCRIRE_API int inscrire_campaign_participants_as(inscrire_db *db, const char *code,
                                                   const inscrire_actor *actor,
                                                   inscrire_participant_list **out);
INSCRIRE_API size_t inscrire_participant_list_count(const inscrire_participant_list *list);
INSCRIRE_API const char *inscrire_participant_list_division(const inscrire_participant_list *list,
                                                            size_t index);
INSCRIRE_API const char *inscrire_participant_list_last_name(const inscrire_participant_list *list,
                                                             size_t index);
INSCRIRE_API const char *inscrire_participant_list_first_name(const inscrire_participant_list *list,
                                                              size_t index);
/* The learner's account; NULL when the learner has none. */
INSCRIRE_API const char *inscrire_participant_list_username(const inscrire_participant_list *list,
                                                            size_t index);
/* "NOT_JOINED", "STARTED", "TO_SHARE" or "SHARED". */
INSCRIRE_API const char *inscrire_participant_list_status(const inscrire_participant_list *list,
                                                          size_t index);
/* Unix seconds; 0 when the step was not reached (or the index is out of range). */
INSCRIRE_API int64_t inscrire_participant_list_started_at(const inscrire_participant_list *list,
                                                          size_t index);
INSCRIRE_API int64_t inscrire_participant_list_completed_at(const inscrire_participant_list *list,
                                                            size_t index);
INSCRIRE_API int64_t inscrire_participant_list_shared_at(const inscrire_participant_list *list,
                                                         size_t index);
/* 1 when the pupil joined with this code although in another division (listed after the
 * campaign's own learners), else 0. */
INSCRIRE_API int inscrire_participant_list_out_of_division(const inscrire_participant_list *list,
                                                           size_t index);
/* "Classe;Nom;Prénom;Identifiant;Statut;Commencé le;Partagé le" rows, times in ISO 8601 UTC,
 * UTF-8 with a BOM. */
INSCRIRE_API const char *inscrire_participant_list_csv(const inscrire_participant_list *list);
INSCRIRE_API void inscrire_participant_list_free(inscrire_participant_list *list);

/* ---- The pupil's flow ------------------------------------------------------------------- */

typedef struct inscrire_match_report inscrire_match_report;
typedef struct inscrire_registration inscrire_registration;

/* Dry run of registration: who the pupil is on the roster and the username they would get.
 * Writes nothing but throttling counters. Returns INSCRIRE_OK whenever the question could be
 * answered, even with no match: inscrire_match_report_status says the outcome.
 * client_key may be NULL. *out: free with inscrire_match_report_free. */
INSCRIRE_API int inscrire_match(inscrire_db *db, const char *code, const char *first_name,
                                const char *last_name, const char *birthdate,
                                const char *client_key, inscrire_match_report **out);
/* INSCRIRE_OK when matched, else the code registration would fail with:
 * INSCRIRE_E_NO_LEARNER_FOR_BIRTHDATE, _NO_NAME_MATCH, _AMBIGUOUS_MATCH,
 * _LEARNER_ALREADY_LINKED or _LEARNER_HAS_ACCOUNT_ELSEWHERE. */
INSCRIRE_API int inscrire_match_report_status(const inscrire_match_report *report);
/* The learner found (first name, last name, division only); NULL when none. Borrowed: valid
 * until the report is freed. */
INSCRIRE_API const inscrire_learner *inscrire_match_report_learner(
    const inscrire_match_report *report);
/* The username registration would give (matched); NULL otherwise. */
INSCRIRE_API const char *inscrire_match_report_username(const inscrire_match_report *report);
/* "j***.h***2" for the two "already has an account" outcomes; NULL otherwise. */
INSCRIRE_API const char *inscrire_match_report_masked_username(const inscrire_match_report *report);
/* The matching stage that found the learner ("exact", "tolerant", "given_names",
 * "family_names", "swapped", "transposition"); NULL when no learner was found. Static
 * storage. */
INSCRIRE_API const char *inscrire_match_report_matched_by(const inscrire_match_report *report);
/* 1 when the learner found is not in the campaign's division (a code of another class), else
 * 0: the pupil should be warned before going on. */
INSCRIRE_API int inscrire_match_report_other_division(const inscrire_match_report *report);
INSCRIRE_API void inscrire_match_report_free(inscrire_match_report *report);

/* Creates the pupil's account, links it to the roster row and starts the participation,
 * atomically. The password needs 8+ characters with upper case, lower case and a digit, and
 * none of the pupil's names. client_key may be NULL.
 * *out (may be NULL): free with inscrire_registration_free. */
INSCRIRE_API int inscrire_register(inscrire_db *db, const char *code, const char *first_name,
                                   const char *last_name, const char *birthdate,
                                   const char *password, const char *client_key,
                                   inscrire_registration **out);
/* An existing account, identified by a session token from inscrire_login, joins another
 * campaign. *out (may be NULL): free with inscrire_registration_free. */
INSCRIRE_API int inscrire_join_campaign(inscrire_db *db, const char *session_token,
                                        const char *code, inscrire_registration **out);
/* The same for a school where the account is not linked yet (a pupil who changed school): the
 * typed identity is matched as for inscrire_register and the learner found is linked to this
 * account. INSCRIRE_E_USER_ALREADY_LINKED_IN_ORGANIZATION if the account already has another
 * learner in that school. client_key may be NULL.
 * *out (may be NULL): free with inscrire_registration_free. */
INSCRIRE_API int inscrire_join_campaign_as(inscrire_db *db, const char *session_token,
                                           const char *code, const char *first_name,
                                           const char *last_name, const char *birthdate,
                                           const char *client_key, inscrire_registration **out);
INSCRIRE_API const char *inscrire_registration_username(const inscrire_registration *reg);
/* The learner (first name, last name, division only). Borrowed: valid until the registration
 * is freed. */
INSCRIRE_API const inscrire_learner *inscrire_registration_learner(
    const inscrire_registration *reg);
INSCRIRE_API const inscrire_campaign *inscrire_registration_campaign(
    const inscrire_registration *reg);
/* "STARTED". */
INSCRIRE_API const char *inscrire_registration_participation_status(
    const inscrire_registration *reg);
/* The matching stage that found the learner, as inscrire_match_report_matched_by; NULL when
 * the registration matched nobody (inscrire_join_campaign: the account was already linked). */
INSCRIRE_API const char *inscrire_registration_matched_by(const inscrire_registration *reg);
/* As inscrire_match_report_other_division. */
INSCRIRE_API int inscrire_registration_other_division(const inscrire_registration *reg);
INSCRIRE_API void inscrire_registration_free(inscrire_registration *reg);

/* ---- Accounts --------------------------------------------------------------------------- */

typedef struct inscrire_login_result inscrire_login_result;
typedef struct inscrire_credentials inscrire_credentials;

/* Checks a password. Refusals are errors (INVALID_CREDENTIALS, ACCOUNT_TEMPORARILY_BLOCKED,
 * ACCOUNT_BLOCKED, ...: see inscrire_error_last_remaining_attempts/_retry_after). An accepted
 * password returns INSCRIRE_OK and a result whose status is INSCRIRE_OK (a session) or
 * INSCRIRE_E_PASSWORD_CHANGE_REQUIRED (a one-time change token, for
 * inscrire_change_password_with_token). *out: free with inscrire_login_result_free. */
INSCRIRE_API int inscrire_login(inscrire_db *db, const char *username, const char *password,
                                inscrire_login_result **out);
/* inscrire_login with the caller's client key (an IP address or the platform's session id; NULL
 * or "" for none): the key's failed logins, of any usernames, are throttled
 * (inscrire_options_set_login_throttle; TOO_MANY_ATTEMPTS, see
 * inscrire_error_last_retry_after). */
INSCRIRE_API int inscrire_login_with_client_key(inscrire_db *db, const char *username,
                                                const char *password, const char *client_key,
                                                inscrire_login_result **out);
INSCRIRE_API int inscrire_login_result_status(const inscrire_login_result *result);
INSCRIRE_API const char *inscrire_login_result_username(const inscrire_login_result *result);
/* Status INSCRIRE_OK: the session token, for inscrire_join_campaign; NULL otherwise. */
INSCRIRE_API const char *inscrire_login_result_session_token(const inscrire_login_result *result);
/* Status PASSWORD_CHANGE_REQUIRED: the one-time token, valid one hour; NULL otherwise. */
INSCRIRE_API const char *inscrire_login_result_change_token(const inscrire_login_result *result);
INSCRIRE_API void inscrire_login_result_free(inscrire_login_result *result);

/* ---- Sessions and the pupil's participations -------------------------------------------- */

typedef struct inscrire_session inscrire_session;
typedef struct inscrire_participation inscrire_participation;
typedef struct inscrire_participation_list inscrire_participation_list;

/* Checks a session token from inscrire_login, as a platform does on each request: the
 * session's account, its learners (school, class, names: no INE, no birth date) and its
 * expiry. INSCRIRE_E_SESSION_INVALID for a token unknown, expired or ended (inscrire_logout,
 * a password change or reset), or of a disabled account. *out: free with
 * inscrire_session_free. */
INSCRIRE_API int inscrire_authenticate(inscrire_db *db, const char *session_token,
                                       inscrire_session **out);
INSCRIRE_API const char *inscrire_session_username(const inscrire_session *session);
/* Unix seconds. */
INSCRIRE_API int64_t inscrire_session_expires_at(const inscrire_session *session);
INSCRIRE_API size_t inscrire_session_learner_count(const inscrire_session *session);
INSCRIRE_API const char *inscrire_session_learner_uai(const inscrire_session *session,
                                                      size_t index);
INSCRIRE_API const char *inscrire_session_learner_school(const inscrire_session *session,
                                                         size_t index);
INSCRIRE_API const char *inscrire_session_learner_division(const inscrire_session *session,
                                                           size_t index);
INSCRIRE_API const char *inscrire_session_learner_first_name(const inscrire_session *session,
                                                             size_t index);
INSCRIRE_API const char *inscrire_session_learner_last_name(const inscrire_session *session,
                                                            size_t index);
/* Nonzero when that learner is no longer on the school's roster. */
INSCRIRE_API int inscrire_session_learner_disabled(const inscrire_session *session, size_t index);
INSCRIRE_API void inscrire_session_free(inscrire_session *session);

/* Ends the session. INSCRIRE_E_SESSION_INVALID if it was not a live one. */
INSCRIRE_API int inscrire_logout(inscrire_db *db, const char *session_token);

/* The session's own participations, in the order they started, so that the pupil can resume
 * one. INSCRIRE_E_SESSION_INVALID. *out: free with inscrire_participation_list_free. */
INSCRIRE_API int inscrire_participations(inscrire_db *db, const char *session_token,
                                         inscrire_participation_list **out);
INSCRIRE_API size_t inscrire_participation_list_count(const inscrire_participation_list *list);
/* Borrowed: valid until the list is freed. NULL for an index out of range. */
INSCRIRE_API const inscrire_participation *inscrire_participation_list_get(
    const inscrire_participation_list *list, size_t index);
INSCRIRE_API void inscrire_participation_list_free(inscrire_participation_list *list);

/* STARTED -> TO_SHARE (the pupil finished the campaign), then TO_SHARE -> SHARED (the pupil
 * sent the results), timestamped; *out (may be NULL) receives the participation after the
 * step. INSCRIRE_E_SESSION_INVALID, INSCRIRE_E_CAMPAIGN_NOT_FOUND (or _ARCHIVED, _DELETED),
 * INSCRIRE_E_PARTICIPATION_NOT_FOUND when the account has none in the campaign,
 * INSCRIRE_E_INVALID_PARTICIPATION_STATUS when it is not at the step before.
 * *out: free with inscrire_participation_free. */
INSCRIRE_API int inscrire_complete_participation(inscrire_db *db, const char *session_token,
                                                 const char *code, inscrire_participation **out);
INSCRIRE_API int inscrire_share_participation(inscrire_db *db, const char *session_token,
                                              const char *code, inscrire_participation **out);
/* The campaign's code and name, its school's UAI and name. */
INSCRIRE_API const char *inscrire_participation_code(const inscrire_participation *p);
INSCRIRE_API const char *inscrire_participation_campaign(const inscrire_participation *p);
INSCRIRE_API const char *inscrire_participation_uai(const inscrire_participation *p);
INSCRIRE_API const char *inscrire_participation_school(const inscrire_participation *p);
/* "STARTED", "TO_SHARE" or "SHARED". */
INSCRIRE_API const char *inscrire_participation_status(const inscrire_participation *p);
/* Unix seconds; 0 when the step was not reached. */
INSCRIRE_API int64_t inscrire_participation_started_at(const inscrire_participation *p);
INSCRIRE_API int64_t inscrire_participation_completed_at(const inscrire_participation *p);
INSCRIRE_API int64_t inscrire_participation_shared_at(const inscrire_participation *p);
/* Frees a participation from inscrire_complete_participation or inscrire_share_participation
 * (never one borrowed from a list). Accepts NULL. */
INSCRIRE_API void inscrire_participation_free(inscrire_participation *p);

INSCRIRE_API int inscrire_change_password(inscrire_db *db, const char *username,
                                          const char *old_password, const char *new_password);
INSCRIRE_API int inscrire_change_password_with_token(inscrire_db *db, const char *change_token,
                                                     const char *new_password);

/* Admin operations. actor names the admin in the audit trail; NULL means "admin". */

/* A new temporary password, to be changed at next login. *temporary_password: free with
 * inscrire_string_free. */
INSCRIRE_API int inscrire_reset_password(inscrire_db *db, const char *uai, const char *username,
                                         const char *actor, char **temporary_password);
/* Clears a login block. */
INSCRIRE_API int inscrire_unblock(inscrire_db *db, const char *uai, const char *username,
                                  const char *actor);

/* The admin operations above as an inscrire_actor (may be NULL: the default actor), which
 * replaces the free actor name: the library refuses with INSCRIRE_E_FORBIDDEN what the actor's
 * role does not allow. */
INSCRIRE_API int inscrire_reset_password_as(inscrire_db *db, const char *uai, const char *username,
                                            const inscrire_actor *actor, char **temporary_password);
INSCRIRE_API int inscrire_unblock_as(inscrire_db *db, const char *uai, const char *username,
                                     const inscrire_actor *actor);

/* Brings a pupil's account from another platform: creates the account `username` (the
 * "first.lastDDMM" form, any case; stored lower-case) with its existing password hash (an
 * Argon2id PHC string, or bcrypt $2a$/$2b$/$2y$ of cost 4 to 16) and links it to the learner
 * `ine` of the school; the first login replaces the hash with Argon2id. actor may be NULL (the
 * default actor): an ADMIN or the operator. INSCRIRE_E_INVALID_ARGUMENT (username or hash
 * malformed), INSCRIRE_E_USERNAME_TAKEN, INSCRIRE_E_LEARNER_NOT_FOUND,
 * INSCRIRE_E_LEARNER_DISABLED, INSCRIRE_E_LEARNER_ALREADY_LINKED,
 * INSCRIRE_E_LEARNER_HAS_ACCOUNT_ELSEWHERE. *stored_username (may be NULL): the username as
 * stored; free with inscrire_string_free. */
INSCRIRE_API int inscrire_import_account_as(inscrire_db *db, const char *uai, const char *ine,
                                            const char *username, const char *password_hash,
                                            const inscrire_actor *actor, char **stored_username);
/* Accounts with temporary passwords for the pupils of a class who lack one; existing accounts
 * keep their passwords (see inscrire_generate_credentials_v2 to reset them). A row whose
 * account was left alone has an empty temporary password.
 * *out: free with inscrire_credentials_free. */
INSCRIRE_API int inscrire_generate_credentials(inscrire_db *db, const char *uai,
                                               const char *division, const char *actor,
                                               inscrire_credentials **out);
/* Flags of inscrire_generate_credentials_v2. */
#define INSCRIRE_CREDENTIALS_RESET_EXISTING 1u /* reset every existing account of the class */

/* The credentials of a class, safely: accounts with temporary passwords for the learners who
 * have none; existing accounts are left alone (their passwords still work) unless flags has
 * INSCRIRE_CREDENTIALS_RESET_EXISTING, or their INE is among the ine_count INEs of `ines`
 * (which may be NULL when ine_count is 0; each INE must be of the class). With a list, only
 * those learners are handled. Learners with an account in another school are left alone.
 * INSCRIRE_E_LEARNER_NOT_FOUND for an empty class or a listed INE outside it. The report:
 * inscrire_credentials_created/_reset/_unchanged. inscrire_generate_credentials is this call
 * with flags 0 and no INE. *out: free with inscrire_credentials_free. */
INSCRIRE_API int inscrire_generate_credentials_v2(inscrire_db *db, const char *uai,
                                                  const char *division, unsigned flags,
                                                  const char *const *ines, size_t ine_count,
                                                  const char *actor, inscrire_credentials **out);
/* The same, as `actor` (may be NULL: the default actor). */
INSCRIRE_API int inscrire_generate_credentials_v2_as(inscrire_db *db, const char *uai,
                                                     const char *division, unsigned flags,
                                                     const char *const *ines, size_t ine_count,
                                                     const inscrire_actor *actor,
                                                     inscrire_credentials **out);
/* Accounts created, existing accounts given a temporary password, learners left alone. */
INSCRIRE_API int inscrire_credentials_created(const inscrire_credentials *credentials);
INSCRIRE_API int inscrire_credentials_reset(const inscrire_credentials *credentials);
INSCRIRE_API int inscrire_credentials_unchanged(const inscrire_credentials *credentials);
/* The school's UAI and name. Borrowed: valid until the credentials are freed. */
INSCRIRE_API const char *inscrire_credentials_uai(const inscrire_credentials *credentials);
INSCRIRE_API const char *inscrire_credentials_school(const inscrire_credentials *credentials);
/* When the temporary passwords of this generation stop logging in (Unix seconds); 0 when it
 * gave none or they do not expire. */
INSCRIRE_API int64_t
inscrire_credentials_temporary_expires_at(const inscrire_credentials *credentials);
INSCRIRE_API size_t inscrire_credentials_count(const inscrire_credentials *credentials);
INSCRIRE_API const char *inscrire_credentials_division(const inscrire_credentials *credentials,
                                                       size_t index);
INSCRIRE_API const char *inscrire_credentials_last_name(const inscrire_credentials *credentials,
                                                        size_t index);
INSCRIRE_API const char *inscrire_credentials_first_name(const inscrire_credentials *credentials,
                                                         size_t index);
INSCRIRE_API const char *inscrire_credentials_username(const inscrire_credentials *credentials,
                                                       size_t index);
INSCRIRE_API const char *inscrire_credentials_temporary_password(
    const inscrire_credentials *credentials, size_t index);
/* "Classe;Nom;Prénom;Identifiant;Mot de passe" rows, UTF-8 with a BOM. */
INSCRIRE_API const char *inscrire_credentials_csv(const inscrire_credentials *credentials);
/* The per-pupil slips of these credentials as one printable HTML page (docs/rules.md §10): A4
 * pages of per_page slips (8, with cut marks, or 1; INSCRIRE_E_INVALID_ARGUMENT otherwise),
 * each with the school, class, names, username, the temporary password only for a row that
 * has one, its expiry, and the sign-in link base_url with its QR code (base_url may be NULL:
 * no link; a malformed one is refused as by inscrire_class_sheet). The page holds passwords:
 * hand it out once, never cache it. *out: free with inscrire_string_free. */
INSCRIRE_API int inscrire_credentials_slips_html(const inscrire_credentials *credentials,
                                                 const char *base_url, int per_page, char **out);
INSCRIRE_API void inscrire_credentials_free(inscrire_credentials *credentials);

/* Erases a learner's personal data from the roster and disables their account, if any. */
INSCRIRE_API int inscrire_anonymize_learner(inscrire_db *db, const char *uai, const char *ine,
                                            const char *actor);
/* Everything held on one learner, as a JSON document. *json: free with inscrire_string_free. */
INSCRIRE_API int inscrire_export_learner(inscrire_db *db, const char *uai, const char *ine,
                                         const char *actor, char **json);
/* The same two, as `actor` (may be NULL: the default actor): an ADMIN or the operator. */
INSCRIRE_API int inscrire_anonymize_learner_as(inscrire_db *db, const char *uai, const char *ine,
                                               const inscrire_actor *actor);
INSCRIRE_API int inscrire_export_learner_as(inscrire_db *db, const char *uai, const char *ine,
                                            const inscrire_actor *actor, char **json);

/* ---- Staff, actors and the audit log ---------------------------------------------------- */

/* School staff (docs/rules.md §9): accounts with a role per school, ADMIN or MEMBER, invited by
 * an ADMIN or the operator; the library, not the host, decides whether an actor may do an admin
 * operation to a school. A refusal is INSCRIRE_E_FORBIDDEN, the same for another school and for
 * one that does not exist (or a campaign code or username of another school), changes nothing
 * and is written to the audit log. Roles are the strings "ADMIN" and "MEMBER" (case ignored on
 * input; INSCRIRE_E_INVALID_ARGUMENT for anything else). Times are unix seconds. */

/* Actors. Each *out: free with inscrire_actor_free. An actor is a value: it may be used by
 * any number of calls and threads at once, but not changed (add_membership, set_client_key)
 * or freed while in use.
 * - operator: whoever holds the database itself, who may do anything; `name` goes into the
 *   audit log. (The default actor, NULL, is the operator named "admin" unless
 *   inscrire_options_set_require_staff.)
 * - staff: a staff session token from inscrire_staff_login or inscrire_accept_staff_invitation,
 *   checked at every call with the account's memberships as they are then
 *   (INSCRIRE_E_SESSION_INVALID once it has ended).
 * - asserted: an identity vouched for by a platform with its own identity provider (issuer,
 *   subject, display name), with the memberships the host adds; the library still refuses what
 *   those memberships do not allow. The issuer, subject and display name are checked when the
 *   actor acts (INSCRIRE_E_INVALID_ARGUMENT when one is empty), as are the UAIs
 *   (INSCRIRE_E_INVALID_UAI). */
INSCRIRE_API int inscrire_actor_operator(const char *name, inscrire_actor **out);
INSCRIRE_API int inscrire_actor_staff(const char *session_token, inscrire_actor **out);
INSCRIRE_API int inscrire_actor_asserted(const char *issuer, const char *subject,
                                         const char *display_name, inscrire_actor **out);
/* Adds a membership to an asserted actor (INSCRIRE_E_INVALID_ARGUMENT for another kind): the
 * school's UAI and the role the host vouches for. A UAI added again takes the new role. */
INSCRIRE_API int inscrire_actor_add_membership(inscrire_actor *actor, const char *uai,
                                               const char *role);
/* The client (an IP address, the platform's session id) recorded, pseudonymised, in the audit
 * rows this actor writes; "" for none. */
INSCRIRE_API int inscrire_actor_set_client_key(inscrire_actor *actor, const char *client_key);
INSCRIRE_API void inscrire_actor_free(inscrire_actor *actor);

/* Invitations (no e-mail: the host hands the code over). */
typedef struct inscrire_staff_invitation inscrire_staff_invitation;
typedef struct inscrire_staff_login_result inscrire_staff_login_result;
typedef struct inscrire_staff_session inscrire_staff_session;

/* An invitation into the school `uai` with `role`, valid `valid_days` (1 to 90; 0: the option,
 * 7 by default), by `actor` (may be NULL: the default actor): an ADMIN of the school or the
 * operator. Its code is shown this once ("ABCD-EFGH-2345"; only its digest is kept).
 * *out: free with inscrire_staff_invitation_free. */
INSCRIRE_API int inscrire_invite_staff(inscrire_db *db, const char *uai, const char *role,
                                       int valid_days, const inscrire_actor *actor,
                                       inscrire_staff_invitation **out);
INSCRIRE_API int64_t inscrire_staff_invitation_id(const inscrire_staff_invitation *invitation);
INSCRIRE_API const char *inscrire_staff_invitation_code(
    const inscrire_staff_invitation *invitation);
INSCRIRE_API const char *inscrire_staff_invitation_uai(const inscrire_staff_invitation *invitation);
/* "ADMIN" or "MEMBER". Static storage. */
INSCRIRE_API const char *inscrire_staff_invitation_role(
    const inscrire_staff_invitation *invitation);
INSCRIRE_API int64_t inscrire_staff_invitation_expires_at(const inscrire_staff_invitation *i);
INSCRIRE_API void inscrire_staff_invitation_free(inscrire_staff_invitation *invitation);

/* Accepts an invitation (hyphens and case ignored) by creating the staff account: username 3 to
 * 64 characters of a-z 0-9 . _ - (case ignored), display name 1 to 100 characters, a password
 * of 12 to 255 characters not containing the username; the account is logged in.
 * INSCRIRE_E_INVITATION_INVALID for an unknown, used, expired or revoked code (failures are
 * throttled per client_key, which may be NULL, as campaign codes are),
 * INSCRIRE_E_STAFF_USERNAME_TAKEN, the password codes. *out: free with
 * inscrire_staff_login_result_free. */
INSCRIRE_API int inscrire_accept_staff_invitation(inscrire_db *db, const char *code,
                                                  const char *username, const char *display_name,
                                                  const char *password, const char *client_key,
                                                  inscrire_staff_login_result **out);
/* The same for someone logged in as staff: `staff_actor` (from inscrire_actor_staff; another
 * kind is INSCRIRE_E_INVALID_ARGUMENT) gets the membership; a member already gets the
 * invitation's role. *out: the session as it is now; free with inscrire_staff_session_free. */
INSCRIRE_API int inscrire_accept_staff_invitation_as(inscrire_db *db, const char *code,
                                                     const inscrire_actor *staff_actor,
                                                     const char *client_key,
                                                     inscrire_staff_session **out);

/* Staff login. client_key and totp may be NULL. Failures count per username whether or not it
 * exists and per client key, as for pupils (INSCRIRE_E_INVALID_CREDENTIALS,
 * _ACCOUNT_TEMPORARILY_BLOCKED, _ACCOUNT_BLOCKED, _TOO_MANY_ATTEMPTS: see
 * inscrire_error_last_remaining_attempts/_retry_after); a disabled account or one without a
 * membership answers as a wrong password. With a second factor: INSCRIRE_E_SECOND_FACTOR_REQUIRED
 * without totp (the password was right), INSCRIRE_E_SECOND_FACTOR_INVALID for a wrong code (a
 * failure); a recovery code works once in place of the 6-digit code. After a reset by an ADMIN
 * the result has no session but password_change_required and a one-time change token, for
 * inscrire_change_staff_password_with_token. *out: free with inscrire_staff_login_result_free. */
INSCRIRE_API int inscrire_staff_login(inscrire_db *db, const char *username, const char *password,
                                      const char *client_key, const char *totp,
                                      inscrire_staff_login_result **out);
/* The session token (NULL when a password change is required). */
INSCRIRE_API const char *inscrire_staff_login_result_session_token(
    const inscrire_staff_login_result *result);
INSCRIRE_API const char *inscrire_staff_login_result_username(
    const inscrire_staff_login_result *result);
/* When the session ends at the latest (0 without a session). */
INSCRIRE_API int64_t inscrire_staff_login_result_expires_at(const inscrire_staff_login_result *r);
INSCRIRE_API int inscrire_staff_login_result_password_change_required(
    const inscrire_staff_login_result *result);
/* The one-time token to set a new password (NULL when none is required). */
INSCRIRE_API const char *inscrire_staff_login_result_change_token(
    const inscrire_staff_login_result *result);
INSCRIRE_API void inscrire_staff_login_result_free(inscrire_staff_login_result *result);

/* Checks a staff session token, as a platform does on each request (each call counts as use):
 * the account and its memberships now. INSCRIRE_E_SESSION_INVALID for a token unknown, ended,
 * unused for longer than the idle limit or past its end, of a disabled account or of one
 * without a membership left. *out: free with inscrire_staff_session_free. */
INSCRIRE_API int inscrire_staff_authenticate(inscrire_db *db, const char *session_token,
                                             inscrire_staff_session **out);
INSCRIRE_API const char *inscrire_staff_session_username(const inscrire_staff_session *session);
INSCRIRE_API const char *inscrire_staff_session_display_name(const inscrire_staff_session *session);
/* When the session ends if left unused (the idle limit, or its end if sooner). */
INSCRIRE_API int64_t inscrire_staff_session_expires_at(const inscrire_staff_session *session);
/* Nonzero when the account has a second factor. */
INSCRIRE_API int inscrire_staff_session_second_factor(const inscrire_staff_session *session);
/* The memberships: the school's UAI and the role ("ADMIN" or "MEMBER", static storage). */
INSCRIRE_API size_t inscrire_staff_session_membership_count(const inscrire_staff_session *session);
INSCRIRE_API const char *inscrire_staff_session_membership_uai(
    const inscrire_staff_session *session, size_t index);
INSCRIRE_API const char *inscrire_staff_session_membership_role(
    const inscrire_staff_session *session, size_t index);
INSCRIRE_API void inscrire_staff_session_free(inscrire_staff_session *session);

/* Ends the session. INSCRIRE_E_SESSION_INVALID if it was not a live one. */
INSCRIRE_API int inscrire_staff_logout(inscrire_db *db, const char *session_token);

/* The team of a school (an ADMIN of the school or the operator; actor may be NULL: the default
 * actor). */
typedef struct inscrire_staff_member_list inscrire_staff_member_list;
typedef struct inscrire_pending_invitation_list inscrire_pending_invitation_list;

/* The members. *out: free with inscrire_staff_member_list_free. */
INSCRIRE_API int inscrire_members(inscrire_db *db, const char *uai, const inscrire_actor *actor,
                                  inscrire_staff_member_list **out);
INSCRIRE_API size_t inscrire_staff_member_list_count(const inscrire_staff_member_list *list);
INSCRIRE_API const char *inscrire_staff_member_list_username(const inscrire_staff_member_list *list,
                                                             size_t index);
INSCRIRE_API const char *inscrire_staff_member_list_display_name(
    const inscrire_staff_member_list *list, size_t index);
/* "ADMIN" or "MEMBER". Static storage. */
INSCRIRE_API const char *inscrire_staff_member_list_role(const inscrire_staff_member_list *list,
                                                         size_t index);
/* When the membership began. */
INSCRIRE_API int64_t inscrire_staff_member_list_since(const inscrire_staff_member_list *list,
                                                      size_t index);
/* The last login; 0 when the member never logged in. */
INSCRIRE_API int64_t inscrire_staff_member_list_last_login_at(const inscrire_staff_member_list *l,
                                                              size_t index);
/* Nonzero when the member has a second factor. */
INSCRIRE_API int inscrire_staff_member_list_second_factor(const inscrire_staff_member_list *list,
                                                          size_t index);
INSCRIRE_API void inscrire_staff_member_list_free(inscrire_staff_member_list *list);

/* The pending invitations (never their codes). *out: free with
 * inscrire_pending_invitation_list_free. */
INSCRIRE_API int inscrire_invitations(inscrire_db *db, const char *uai, const inscrire_actor *actor,
                                      inscrire_pending_invitation_list **out);
INSCRIRE_API size_t
inscrire_pending_invitation_list_count(const inscrire_pending_invitation_list *l);
/* The id inscrire_revoke_staff_invitation takes. */
INSCRIRE_API int64_t inscrire_pending_invitation_list_id(const inscrire_pending_invitation_list *l,
                                                         size_t index);
/* "ADMIN" or "MEMBER". Static storage. */
INSCRIRE_API const char *inscrire_pending_invitation_list_role(
    const inscrire_pending_invitation_list *list, size_t index);
/* Who invited: a staff username, an asserted "issuer:subject" or the operator's name. */
INSCRIRE_API const char *inscrire_pending_invitation_list_created_by(
    const inscrire_pending_invitation_list *list, size_t index);
INSCRIRE_API int64_t inscrire_pending_invitation_list_expires_at(
    const inscrire_pending_invitation_list *list, size_t index);
INSCRIRE_API void inscrire_pending_invitation_list_free(inscrire_pending_invitation_list *list);

/* Changes a member's role, removes a member (every session of the account ends when it loses
 * its last membership), revokes a pending invitation (INSCRIRE_E_INVITATION_INVALID when it is
 * not pending). INSCRIRE_E_LAST_ADMIN when the school would be left without an ADMIN, whoever
 * asks. A username outside the school is INSCRIRE_E_FORBIDDEN for staff, as an unknown one
 * (INSCRIRE_E_USER_NOT_FOUND for the operator). */
INSCRIRE_API int inscrire_set_member_role(inscrire_db *db, const char *uai, const char *username,
                                          const char *role, const inscrire_actor *actor);
INSCRIRE_API int inscrire_remove_member(inscrire_db *db, const char *uai, const char *username,
                                        const inscrire_actor *actor);
INSCRIRE_API int inscrire_revoke_staff_invitation(inscrire_db *db, const char *uai, int64_t id,
                                                  const inscrire_actor *actor);

/* Staff passwords. A reset by an ADMIN gives a temporary password (*temporary_password: free
 * with inscrire_string_free) and ends the member's sessions; the next login requires a change.
 * A member changes their own password with the old one (12 to 255 characters, not containing
 * the username), or with the change token of the login; every session of the account ends. */
INSCRIRE_API int inscrire_reset_staff_password(inscrire_db *db, const char *uai,
                                               const char *username, const inscrire_actor *actor,
                                               char **temporary_password);
INSCRIRE_API int inscrire_change_staff_password(inscrire_db *db, const char *username,
                                                const char *old_password, const char *new_password);
INSCRIRE_API int inscrire_change_staff_password_with_token(inscrire_db *db,
                                                           const char *change_token,
                                                           const char *new_password);

/* The second factor (TOTP, RFC 6238: SHA-1, 6 digits, 30 s). */
typedef struct inscrire_second_factor_enrolment inscrire_second_factor_enrolment;
typedef struct inscrire_string_list inscrire_string_list;

/* Starts enrolling the session's account: a new secret, to be confirmed by a code from it.
 * *out: free with inscrire_second_factor_enrolment_free. */
INSCRIRE_API int inscrire_begin_second_factor(inscrire_db *db, const char *session_token,
                                              inscrire_second_factor_enrolment **out);
/* The secret in base32, the otpauth://totp/ URI an authenticator app reads, and that URI as a
 * QR code (an SVG document). */
INSCRIRE_API const char *inscrire_second_factor_enrolment_secret(
    const inscrire_second_factor_enrolment *enrolment);
INSCRIRE_API const char *inscrire_second_factor_enrolment_otpauth_uri(
    const inscrire_second_factor_enrolment *enrolment);
INSCRIRE_API const char *inscrire_second_factor_enrolment_qr_svg(
    const inscrire_second_factor_enrolment *enrolment);
INSCRIRE_API void inscrire_second_factor_enrolment_free(
    inscrire_second_factor_enrolment *enrolment);
/* Confirms the enrolment with a code from the new secret (INSCRIRE_E_SECOND_FACTOR_INVALID
 * otherwise): the factor counts from now on, every other session of the account ends, and
 * *recovery_codes receives the 10 single-use recovery codes, shown this once.
 * *recovery_codes: free with inscrire_string_list_free. */
INSCRIRE_API int inscrire_confirm_second_factor(inscrire_db *db, const char *session_token,
                                                const char *code,
                                                inscrire_string_list **recovery_codes);
/* An ADMIN resets a member's second factor, the operator an ADMIN's (the account's sessions
 * end). */
INSCRIRE_API int inscrire_reset_second_factor(inscrire_db *db, const char *uai,
                                              const char *username, const inscrire_actor *actor);

/* A list of strings. Borrowed: valid until the list is freed; NULL for an index out of
 * range. */
INSCRIRE_API size_t inscrire_string_list_count(const inscrire_string_list *list);
INSCRIRE_API const char *inscrire_string_list_get(const inscrire_string_list *list, size_t index);
INSCRIRE_API void inscrire_string_list_free(inscrire_string_list *list);

/* The audit log of a school (an ADMIN of the school or the operator), newest first: rows at or
 * after `since` (0: every row), of one `action` (may be NULL: every action; the operation
 * names, e.g. "reset_password"), `limit` rows (1 to 1000; 0: 100) after `offset` (0 to
 * 10000000). *out: free with inscrire_audit_row_list_free. */
typedef struct inscrire_audit_row_list inscrire_audit_row_list;

INSCRIRE_API int inscrire_audit_log(inscrire_db *db, const char *uai, const inscrire_actor *actor,
                                    int64_t since, const char *action, int limit, int offset,
                                    inscrire_audit_row_list **out);
INSCRIRE_API size_t inscrire_audit_row_list_count(const inscrire_audit_row_list *list);
INSCRIRE_API int64_t inscrire_audit_row_list_at(const inscrire_audit_row_list *list, size_t index);
INSCRIRE_API const char *inscrire_audit_row_list_uai(const inscrire_audit_row_list *list,
                                                     size_t index);
/* "staff", "asserted", "operator", "pupil"; "unspecified" for a default actor refused under
 * inscrire_options_set_require_staff; "legacy" for rows of earlier versions. */
INSCRIRE_API const char *inscrire_audit_row_list_actor_kind(const inscrire_audit_row_list *list,
                                                            size_t index);
/* The staff username, the asserted "issuer:subject" or the operator's name. */
INSCRIRE_API const char *inscrire_audit_row_list_actor_ref(const inscrire_audit_row_list *list,
                                                           size_t index);
INSCRIRE_API const char *inscrire_audit_row_list_actor_name(const inscrire_audit_row_list *list,
                                                            size_t index);
/* The actor's role in the school then: "ADMIN", "MEMBER", "OPERATOR" or "". */
INSCRIRE_API const char *inscrire_audit_row_list_actor_role(const inscrire_audit_row_list *list,
                                                            size_t index);
INSCRIRE_API const char *inscrire_audit_row_list_action(const inscrire_audit_row_list *list,
                                                        size_t index);
/* What was acted on (learners by row id, never by INE or name), and details. */
INSCRIRE_API const char *inscrire_audit_row_list_target(const inscrire_audit_row_list *list,
                                                        size_t index);
INSCRIRE_API const char *inscrire_audit_row_list_detail(const inscrire_audit_row_list *list,
                                                        size_t index);
/* "ok" or "forbidden". */
INSCRIRE_API const char *inscrire_audit_row_list_outcome(const inscrire_audit_row_list *list,
                                                         size_t index);
/* The first 16 hex characters of SHA-256 of the client key; "" without one. */
INSCRIRE_API const char *inscrire_audit_row_list_client(const inscrire_audit_row_list *list,
                                                        size_t index);
INSCRIRE_API void inscrire_audit_row_list_free(inscrire_audit_row_list *list);

/* Deletes the audit rows older than `older_than_days` (1 to 3650; 0: the option, 365 by
 * default); the operator only. *purged (may be NULL): how many; 0 on failure. */
INSCRIRE_API int inscrire_purge_audit(inscrire_db *db, int older_than_days,
                                      const inscrire_actor *actor, int *purged);

#ifdef __cplusplus
}
#endif

#endif /* INSCRIRE_H */
