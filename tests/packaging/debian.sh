#!/bin/bash
# The ctest `packaging_debian` (docs/deployment.md, "Debian packages"): builds the packages of
# debian/ with `dpkg-buildpackage -us -uc -b` from a copy of the source tree, runs lintian (no
# error allowed), installs them on this machine, runs `inscrire demo` from PATH, imports the
# module with Debian's Python, builds a C program against libinscrire-dev, checks the web
# service's unit with `systemd-analyze verify`, starts the service from the unit's command line
# as the `inscrire` user with the packaged configuration pointed at a PostgreSQL server of its
# own, registers a pupil through its pages and finds it counted in /metrics, sees /ready answer
# 503 while that server is stopped and 200 once it is back, and purges the packages at the end
# whatever happens. Needs root (dpkg) and Debian 12's debhelper, dh-python, lintian, systemd and
# PostgreSQL (scripts/debian-packages.txt).
# Usage: tests/packaging/debian.sh SOURCE_DIR
set -euo pipefail

source_dir=$(cd "$1" && pwd)
packages=(libinscrire0 libinscrire-dev inscrire python3-inscrire inscrire-web)

if [[ $(id -u) -ne 0 ]]; then
  echo "packaging test: installing packages needs root" >&2
  exit 1
fi
for package in "${packages[@]}"; do
  if [[ $(dpkg-query -W -f '${Status}' "$package" 2>/dev/null || true) == *' installed' ]]; then
    echo "packaging test: $package is already installed on this machine: not touching it" >&2
    exit 1
  fi
done

work=$(mktemp -d /tmp/inscrire-packaging.XXXXXX)
chmod 0755 "$work" # the service's user reaches the PostgreSQL socket in it
installed=0
service=
cleanup() {
  local status=$?
  if [[ -n $service ]]; then
    kill "$service" 2>/dev/null || true
    wait "$service" 2>/dev/null || true
  fi
  "$source_dir/scripts/postgres-server" stop "$work/pg" || true
  if [[ $installed -eq 1 ]]; then
    DEBIAN_FRONTEND=noninteractive apt-get purge -y -q "${packages[@]}" >/dev/null ||
      dpkg --purge "${packages[@]}" || status=1
  fi
  rm -rf "$work"
  exit $status
}
trap cleanup EXIT

step() { printf '\n== %s (%d s)\n' "$1" "$SECONDS"; }
# Whether the output of a command holds a line matching PATTERN. The output is read whole
# first: `command | grep -q` under pipefail fails whenever grep stops reading before the command
# has written everything (SIGPIPE).
holds() {
  local pattern=$1 output
  shift
  output=$("$@")
  grep -qx -- "$pattern" <<<"$output"
}

step "copy of the source tree"
mkdir "$work/src"
# What git tracks or would track: never a build directory.
git -C "$source_dir" ls-files -z --cached --others --exclude-standard |
  tar -C "$source_dir" --null --ignore-failed-read -T - -cf - 2>/dev/null |
  tar -C "$work/src" -xf -

step "dpkg-buildpackage -us -uc -b"
(cd "$work/src" &&
  DEB_BUILD_OPTIONS="parallel=${INSCRIRE_PACKAGING_JOBS:-2}" dpkg-buildpackage -us -uc -b) \
  >"$work/build.log" 2>&1 || { tail -n 60 "$work/build.log"; exit 1; }
ls "$work"/*.deb

step "lintian"
lintian --fail-on error "$work"/*.changes | tee "$work/lintian.log"
if grep -q '^E:' "$work/lintian.log"; then
  echo "lintian reported errors" >&2
  exit 1
fi

step "apt-get install"
debs=()
for package in "${packages[@]}"; do debs+=("$work/${package}_"*.deb); done
installed=1
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${debs[@]}" \
  >"$work/install.log" 2>&1 || { tail -n 30 "$work/install.log"; exit 1; }

step "inscrire demo from PATH"
[[ $(command -v inscrire) == /usr/bin/inscrire ]]
(cd "$work" && env -u INSCRIRE_DB inscrire demo) >"$work/demo.log"
grep -q 'lea.martin' "$work/demo.log" || { cat "$work/demo.log"; exit 1; }
holds '.*db backup FILE.*' inscrire help db
holds '/usr/share/man/man1/inscrire.1.*' man -w inscrire
[[ -f /usr/share/bash-completion/completions/inscrire ]]

step "import inscrire with Debian's Python"
(cd "$work" && env -u PYTHONPATH /usr/bin/python3 -I -c '
import inscrire
assert inscrire.__file__.startswith("/usr/lib/python3/dist-packages/inscrire/"), inscrire.__file__
print("inscrire", inscrire.__version__, inscrire.username("Léa", "Martin", "12/05/2014"))')

step "a C program against libinscrire-dev"
cc -std=c99 -Wall -Werror "$source_dir/tests/cmake/consumer/main.c" \
  $(pkg-config --cflags --libs inscrire) -o "$work/consumer"
holds '.*lea.martin1205.*' "$work/consumer"

step "the web service's files and unit"
[[ $(stat -c '%U %a' /var/lib/inscrire) == "inscrire 700" ]]
[[ $(stat -c '%U:%G %a' /etc/inscrire/web.toml) == "root:inscrire 640" ]]
[[ $(stat -c '%U %a %s' /etc/inscrire/secret) == "inscrire 600 32" ]]
holds '/usr/share/man/man8/inscrire-web.8.*' man -w inscrire-web
units=(/lib/systemd/system/inscrire-web.service /lib/systemd/system/inscrire-web-backup.service
  /lib/systemd/system/inscrire-web-backup.timer)
systemd-analyze verify "${units[@]}"
grep -q '^ProtectSystem=strict' "${units[0]}"

step "a PostgreSQL server, a school, its roster and a campaign"
url=$("$source_dir/scripts/postgres-server" start "$work/pg" --fast)
cli() { env -u INSCRIRE_DB inscrire --db "$url" "$@"; }
cli org add 0350001A "Collège des Paquets" >/dev/null
/usr/bin/python3 "$source_dir/tools/make-roster" --pupils 30 --seed 4 --uai 0350001A \
  --out "$work/roster.xml"
cli import 0350001A "$work/roster.xml" >/dev/null
code=$(cli --json campaign create 0350001A "Pix, tout le collège" |
  /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["code"])')

step "the service, from the unit's command line, as the inscrire user"
free_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
port=$(free_port)
management_port=$(free_port)
# What an operator edits in the packaged configuration: the database, and ports free here.
sed -i -e "s|^db = .*|db = \"${url//&/\\&}\"|" -e "s|^port = .*|port = $port|" \
  -e "s|^management = .*|management = \"127.0.0.1:$management_port\"|" /etc/inscrire/web.toml
read -r -a command < <(sed -n 's/^ExecStart=//p' "${units[0]}")
(cd / && exec runuser -u inscrire -- "${command[@]}") >"$work/web.out" 2>"$work/web.log" &
service=$!
for _ in $(seq 100); do
  grep -q '^inscrire_web: http' "$work/web.out" && break
  kill -0 "$service" || { cat "$work/web.log"; exit 1; }
  sleep 0.2
done
grep -q "http://127.0.0.1:$port/" "$work/web.out"
# The service's own process (runuser waits for it): the inscrire user's.
web_pid=$(pgrep -u inscrire -f /usr/sbin/inscrire-web)
[[ $(ps -o user= -p "$web_pid") == inscrire ]]
management="http://127.0.0.1:$management_port"
ready() { curl -s -o /dev/null -w '%{http_code}' "$management/ready"; }
[[ $(ready) == 200 ]]

step "a pupil registered through the pages, counted in /metrics"
WEBTEST_DIR="$source_dir/tests/python/web" env -u PYTHONPATH /usr/bin/python3 - "$url" \
  "http://127.0.0.1:$port" "$code" <<'PYTHON'
import os, sys
sys.path.insert(0, os.environ["WEBTEST_DIR"])
import inscrire
from webtest import operator, register_over_http
location, base_url, code = sys.argv[1:]
with inscrire.open(location) as db:
    learner = db.learners("0350001A", None, actor=operator())[0]
print("registered", register_over_http(base_url, code, learner))
PYTHON
holds 'inscrire_registrations_total 1.0' curl -sf "$management/metrics"

step "/ready: 503 while PostgreSQL is stopped, 200 once it is back"
"$source_dir/scripts/postgres-server" stop "$work/pg"
[[ $(ready) == 503 ]]
curl -sf "$management/live" >/dev/null
"$source_dir/scripts/postgres-server" resume "$work/pg"
[[ $(ready) == 200 ]]

step "the service stopped as systemd stops it (SIGTERM): its log is JSON lines"
kill -TERM "$web_pid"
wait "$service"
service=
/usr/bin/python3 -c '
import json, sys
events = set()
for line in open(sys.argv[1], encoding="utf-8"):
    try:
        events.add(json.loads(line)["event"])
    except ValueError:
        sys.exit(f"a log line that is not JSON: {line!r}")
assert {"start", "request", "stop"} <= events, events
' "$work/web.log"

step "apt-get purge"
DEBIAN_FRONTEND=noninteractive apt-get purge -y -q "${packages[@]}" >/dev/null
installed=0
[[ ! -e /usr/bin/inscrire && ! -e /usr/lib/python3/dist-packages/inscrire ]]
[[ ! -e /var/lib/inscrire && ! -e /etc/inscrire ]]
step "done"
