#!/usr/bin/env bash
# Makes tests/data/v1-school.db: a database written by the first version of inscrire (schema
# user_version 1), which the migration tests open with the current library. It was made with
# the CLI of main at 00f047d, whose schema is the first release's (f46d969): one migration.
#   tests/data/make-v1-fixture.sh path/to/that/inscrire
# Keep the file as it is: it stands for databases already out there.
set -euo pipefail
cli=$1
here=$(cd "$(dirname "$0")" && pwd)
db=$(mktemp -d)/v1-school.db
run() { "$cli" --db "$db" "$@"; }
run org add 0751234A "Collège Victor Hugo" >/dev/null
run import 0751234A "$here/../../data/siecle-0751234A.xml" >/dev/null 2>&1
code5a=$(run --json campaign create 0751234A "Pix 5A" --division 5A | sed 's/.*"code": "\([A-Z0-9]*\)".*/\1/')
school=$(run --json campaign create 0751234A "Pix collège" | sed 's/.*"code": "\([A-Z0-9]*\)".*/\1/')
echo "Tournesol42" | run register "$code5a" Ewen André 15/09/2014 >/dev/null
echo "Tournesol42" | run register "$code5a" Jean-Marc "D'Artagnan" 01/03/2014 >/dev/null
echo "Tournesol42" | run register "$school" Noé Martin 27/02/2012 >/dev/null
echo "Tournesol42" | run join "$school" ewen.andre1509 >/dev/null
echo "Tournesol42" | run login ewen.andre1509 >/dev/null  # a session token
run password reset 0751234A jeanmarc.dartagnan0103 >/dev/null
for _ in 1 2 3; do echo "Wrong1234x" | run login noe.martin2702 >/dev/null 2>&1 || true; done
cp "$db" "$here/v1-school.db"
echo "codes: $code5a $school"
