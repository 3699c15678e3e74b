#!/bin/bash
# The ctest `packaging_debian` (docs/deployment.md, "Debian packages"): builds the packages of
# debian/ with `dpkg-buildpackage -us -uc -b` from a copy of the source tree, runs lintian (no
# error allowed), installs them on this machine, runs `inscrire demo` from PATH, imports the
# module with Debian's Python, builds a C program against libinscrire-dev, and purges the
# packages at the end whatever happens. Needs root (dpkg) and Debian 12's debhelper, dh-python
# and lintian (scripts/debian-packages.txt).
# Usage: tests/packaging/debian.sh SOURCE_DIR
set -euo pipefail

source_dir=$(cd "$1" && pwd)
packages=(libinscrire0 libinscrire-dev inscrire python3-inscrire)

if [[ $(id -u) -ne 0 ]]; then
  echo "packaging test: installing packages needs root" >&2
  exit 1
fi
for package in "${packages[@]}"; do
  if dpkg-query -W -f '${Status}' "$package" 2>/dev/null | grep -q 'installed'; then
    echo "packaging test: $package is already installed on this machine: not touching it" >&2
    exit 1
  fi
done

work=$(mktemp -d /tmp/inscrire-packaging.XXXXXX)
installed=0
cleanup() {
  local status=$?
  if [[ $installed -eq 1 ]]; then
    DEBIAN_FRONTEND=noninteractive apt-get purge -y -q "${packages[@]}" >/dev/null ||
      dpkg --purge "${packages[@]}" || status=1
  fi
  rm -rf "$work"
  exit $status
}
trap cleanup EXIT

step() { printf '\n== %s (%d s)\n' "$1" "$SECONDS"; }

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
inscrire help db | grep -q 'db backup FILE'
man -w inscrire | grep -q '/usr/share/man/man1/inscrire.1'
[[ -f /usr/share/bash-completion/completions/inscrire ]]

step "import inscrire with Debian's Python"
(cd "$work" && env -u PYTHONPATH /usr/bin/python3 -I -c '
import inscrire
assert inscrire.__file__.startswith("/usr/lib/python3/dist-packages/inscrire/"), inscrire.__file__
print("inscrire", inscrire.__version__, inscrire.username("Léa", "Martin", "12/05/2014"))')

step "a C program against libinscrire-dev"
cc -std=c99 -Wall -Werror "$source_dir/tests/cmake/consumer/main.c" \
  $(pkg-config --cflags --libs inscrire) -o "$work/consumer"
"$work/consumer" | grep -q 'lea.martin1205'

step "apt-get purge"
DEBIAN_FRONTEND=noninteractive apt-get purge -y -q "${packages[@]}" >/dev/null
installed=0
[[ ! -e /usr/bin/inscrire && ! -e /usr/lib/python3/dist-packages/inscrire ]]
step "done"
