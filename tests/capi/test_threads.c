/* Eight threads share one inscrire_db and register eight different pupils of 5A at the same
 * time: every registration succeeds and the usernames are distinct.
 * Usage: capi_test_threads ROSTER.xml */
#define _XOPEN_SOURCE 700

#include <pthread.h>

#include "check.h"

#define THREADS 8

struct pupil {
  const char *first, *last, *birthdate;
};

static const struct pupil pupils[THREADS] = {
    {"Jules", "Legrand", "27/11/2014"},  {"Lucas", "Roux", "28/02/2014"},
    {"Alice", "Gauthier", "19/12/2014"}, {"Gabriel", "Gaillard", "16/11/2014"},
    {"Ewen", "André", "15/09/2014"},     {"Emma", "Durand", "18/09/2014"},
    {"Inès", "Michel", "09/05/2014"},    {"Marie", "Le Gall", "30/09/2014"},
};

struct job {
  inscrire_db *db;
  const char *code;
  const struct pupil *pupil;
  pthread_barrier_t *start;
  int rc;
  char error[256];
  char username[64];
};

static void *register_one(void *argument) {
  struct job *job = argument;
  inscrire_registration *registration = NULL;
  pthread_barrier_wait(job->start);
  job->rc = inscrire_register(job->db, job->code, job->pupil->first, job->pupil->last,
                              job->pupil->birthdate, "Secret123x", NULL, &registration);
  if (job->rc == INSCRIRE_OK) {
    snprintf(job->username, sizeof job->username, "%s",
             inscrire_registration_username(registration));
  } else {
    /* The error state is per thread: this is this thread's failure, not another's. */
    const char *message = NULL;
    inscrire_error_last(NULL, &message);
    snprintf(job->error, sizeof job->error, "%s", message);
  }
  inscrire_registration_free(registration);
  return NULL;
}

int main(int argc, char **argv) {
  char dir[64], path[256];
  inscrire_options *options = NULL;
  inscrire_db *db = NULL;
  inscrire_import_report *report = NULL;
  inscrire_campaign *campaign = NULL;
  pthread_t threads[THREADS];
  struct job jobs[THREADS];
  pthread_barrier_t start;
  int i, j;

  if (argc != 2 || make_temp_dir(dir, sizeof dir) != 0) return 2;
  CHECK_OK(inscrire_options_new(&options));
  CHECK_OK(inscrire_options_set_hash_memory(options, 1024));
  CHECK_OK(inscrire_options_set_hash_iterations(options, 1));
  CHECK_OK(inscrire_db_open_v2(path_in(path, sizeof path, dir, "threads.db"), options, &db));
  inscrire_options_free(options);
  CHECK_OK(inscrire_create_organization(db, "0751234A", "Collège Victor Hugo"));
  CHECK_OK(inscrire_import_roster(db, "0751234A", argv[1], 0, &report));
  inscrire_import_report_free(report);
  CHECK_OK(inscrire_create_campaign(db, "0751234A", "Pix 5A", "5A", NULL, &campaign));
  if (check_failures != 0) return 1;

  pthread_barrier_init(&start, NULL, THREADS);
  for (i = 0; i < THREADS; ++i) {
    jobs[i].db = db;
    jobs[i].code = inscrire_campaign_code(campaign);
    jobs[i].pupil = &pupils[i];
    jobs[i].start = &start;
    jobs[i].rc = -1000;
    jobs[i].error[0] = jobs[i].username[0] = '\0';
    CHECK(pthread_create(&threads[i], NULL, register_one, &jobs[i]) == 0);
  }
  for (i = 0; i < THREADS; ++i) pthread_join(threads[i], NULL);
  pthread_barrier_destroy(&start);

  for (i = 0; i < THREADS; ++i) {
    if (jobs[i].rc != INSCRIRE_OK) {
      fprintf(stderr, "%s %s: %d %s\n", pupils[i].first, pupils[i].last, jobs[i].rc, jobs[i].error);
    }
    CHECK(jobs[i].rc == INSCRIRE_OK);
    CHECK(jobs[i].username[0] != '\0');
    for (j = 0; j < i; ++j) CHECK(strcmp(jobs[i].username, jobs[j].username) != 0);
  }
  CHECK_STR(jobs[0].username, "jules.legrand2711");

  inscrire_campaign_free(campaign);
  inscrire_db_free(db);
  remove_tree(dir);
  return check_failures == 0 ? 0 : 1;
}
