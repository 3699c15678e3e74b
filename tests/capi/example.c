/* example.c: a school, its roster, a campaign for 5A, one pupil's registration and login.
 * Build: cc -std=c99 example.c $(pkg-config --cflags --libs inscrire)
 * Run:   ./a.out school.db siecle-0751234A.xml */
#include <stdio.h>

#include <inscrire.h>

/* Prints the calling thread's last error and returns 1, for `return fail("...")`. */
static int fail(const char *what) {
  const char *name, *message;
  inscrire_error_last(&name, &message);
  fprintf(stderr, "%s: %s: %s\n", what, name, message);
  return 1;
}

int main(int argc, char **argv) {
  inscrire_db *db = NULL;
  inscrire_import_report *report = NULL;
  inscrire_campaign *campaign = NULL;
  inscrire_registration *registration = NULL;
  inscrire_login_result *login = NULL;
  int status = 1;

  if (argc != 3) {
    fprintf(stderr, "usage: %s DATABASE ROSTER.xml\n", argv[0]);
    return 2;
  }
  if (inscrire_db_open(argv[1], &db) != INSCRIRE_OK) return fail("open");

  if (inscrire_create_organization(db, "0751234A", "Collège Victor Hugo") != INSCRIRE_OK) {
    status = fail("create_organization");
    goto done;
  }
  if (inscrire_import_roster(db, "0751234A", argv[2], 0, &report) != INSCRIRE_OK) {
    /* A refused file still comes with its report: every error, not only the first. */
    size_t i;
    for (i = 0; i < inscrire_import_report_error_count(report); ++i) {
      fprintf(stderr, "  %s %s\n",
              inscrire_error_code_name(inscrire_import_report_error_code(report, i)),
              inscrire_import_report_error_ine(report, i));
    }
    status = fail("import_roster");
    goto done;
  }
  printf("imported %d pupils\n", inscrire_import_report_created(report));

  if (inscrire_create_campaign(db, "0751234A", "Pix 5A", "5A", NULL, &campaign) != INSCRIRE_OK) {
    status = fail("create_campaign");
    goto done;
  }
  printf("campaign code: %s\n", inscrire_campaign_code(campaign));

  /* What the pupil types: the code, their names as they write them, their birth date. */
  if (inscrire_register(db, inscrire_campaign_code(campaign), "Noe", "Saint Exupery", "27/02/2014",
                        "Secret123x", NULL, &registration) != INSCRIRE_OK) {
    status = fail("register");
    goto done;
  }
  printf("registered: %s\n", inscrire_registration_username(registration));

  if (inscrire_login(db, inscrire_registration_username(registration), "Secret123x", &login) !=
      INSCRIRE_OK) {
    status = fail("login");
    goto done;
  }
  printf("logged in: %s\n",
         inscrire_login_result_status(login) == INSCRIRE_OK ? "session opened" : "must change");
  status = 0;

done:
  /* Every _free accepts NULL, so one clean-up path serves every exit. */
  inscrire_login_result_free(login);
  inscrire_registration_free(registration);
  inscrire_campaign_free(campaign);
  inscrire_import_report_free(report);
  inscrire_db_free(db);
  return status;
}
