/* A minimal checking kit for the C tests: failures are counted and reported with the
 * library's own last error, and main returns nonzero when any check failed. */
#ifndef INSCRIRE_TEST_CHECK_H
#define INSCRIRE_TEST_CHECK_H

/* The including file defines _XOPEN_SOURCE 700 before any #include (mkdtemp, nftw). */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inscrire.h"

static int check_failures = 0;

static void check_report(const char *file, int line, const char *what) {
  const char *name = NULL;
  const char *message = NULL;
  int code = inscrire_error_last(&name, &message);
  fprintf(stderr, "%s:%d: check failed: %s\n    last error: %d %s: %s\n", file, line, what, code,
          name ? name : "?", message ? message : "?");
  ++check_failures;
}

#define CHECK(condition)                                            \
  do {                                                              \
    if (!(condition)) check_report(__FILE__, __LINE__, #condition); \
  } while (0)

/* A call that must return `expected` (an INSCRIRE_* code). */
#define CHECK_RC(call, expected)                                        \
  do {                                                                  \
    int check_rc_ = (call);                                             \
    if (check_rc_ != (expected)) {                                      \
      fprintf(stderr, "    returned %d (%s), expected %s\n", check_rc_, \
              inscrire_error_code_name(check_rc_), #expected);          \
      check_report(__FILE__, __LINE__, #call);                          \
    }                                                                   \
  } while (0)

#define CHECK_OK(call) CHECK_RC(call, INSCRIRE_OK)

/* Two C strings that must be equal (NULL equals only NULL). */
#define CHECK_STR(actual, expected)                                                        \
  do {                                                                                     \
    const char *check_a_ = (actual);                                                       \
    const char *check_e_ = (expected);                                                     \
    if (check_a_ == NULL || check_e_ == NULL ? check_a_ != check_e_                        \
                                             : strcmp(check_a_, check_e_) != 0) {          \
      fprintf(stderr, "    got \"%s\", expected \"%s\"\n", check_a_ ? check_a_ : "(null)", \
              check_e_ ? check_e_ : "(null)");                                             \
      check_report(__FILE__, __LINE__, #actual " == " #expected);                          \
    }                                                                                      \
  } while (0)

/* A fresh directory under /tmp for the test's databases: `buffer` receives its path. */
static int make_temp_dir(char *buffer, size_t size) {
  if (size < sizeof "/tmp/inscrire-capi-XXXXXX") return -1;
  strcpy(buffer, "/tmp/inscrire-capi-XXXXXX");
  return mkdtemp(buffer) == NULL ? -1 : 0;
}

static int remove_entry(const char *path, const struct stat *info, int type, struct FTW *ftw) {
  (void)info;
  (void)type;
  (void)ftw;
  return remove(path);
}

/* Removes a directory made by make_temp_dir and everything in it. */
static void remove_tree(const char *path) { nftw(path, remove_entry, 8, FTW_DEPTH | FTW_PHYS); }

/* "<dir>/<name>" into `buffer`. */
static const char *path_in(char *buffer, size_t size, const char *dir, const char *name) {
  snprintf(buffer, size, "%s/%s", dir, name);
  return buffer;
}

#endif /* INSCRIRE_TEST_CHECK_H */
