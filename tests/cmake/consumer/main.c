/* The smallest use of an installed libinscrire: versions agree, and a username is computed. */
#include <stdio.h>
#include <string.h>

#include <inscrire.h>

int main(void) {
  char *username = NULL;
  if (strcmp(inscrire_version_string(), INSCRIRE_VERSION_STRING) != 0 ||
      inscrire_version_number() != INSCRIRE_VERSION_NUMBER) {
    fprintf(stderr, "header %s, library %s\n", INSCRIRE_VERSION_STRING, inscrire_version_string());
    return 1;
  }
  if (inscrire_username("Léa", "Martin", "12/05/2013", &username) != INSCRIRE_OK) {
    const char *message;
    inscrire_error_last(NULL, &message);
    fprintf(stderr, "%s\n", message);
    return 1;
  }
  printf("inscrire %s: %s\n", inscrire_version_string(), username);
  inscrire_string_free(username);
  return 0;
}
