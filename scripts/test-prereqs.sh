#!/usr/bin/env bash
# What the test suite needs outside Python, made ready before `make test` runs it:
#   - Debian packages: PostGIS for PostgreSQL 15, Debian's Chromium (Playwright drives
#     /usr/bin/chromium, never a downloaded browser), CJK fonts (route PNGs and printed pages),
#     nginx and openssl (tests/test_nginx.py runs deploy/nginx.conf in front of the app);
#   - PostgreSQL answering at the test URL, with PostGIS available there.
# As root with apt it installs and starts what is missing; otherwise it stops at once and prints
# the command to run. When everything is there it only looks (dpkg, pg_isready, one query).
#
# Options: --check  look only, never install or start (what a user without root gets).
# Environment: REDRES_TEST_PG_ADMIN_URL  another server to test against (then it is only probed,
#   never started, and needs no local PostGIS package); REDRES_TEST_DEBS  the package list
#   (for trying this script itself with a package that is not installed).
set -euo pipefail

read -r -a PACKAGES <<<"${REDRES_TEST_DEBS:-postgresql-15-postgis-3 chromium fonts-noto-cjk nginx openssl}"
CLUSTER=(15 main)
PG_URL=${REDRES_TEST_PG_ADMIN_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/postgres}
if [[ $PG_URL =~ ^([a-z]+)\+[a-z0-9_]+(://.*)$ ]]; then  # libpq's scheme has no +driver
  PG_URL=${BASH_REMATCH[1]}${BASH_REMATCH[2]}
fi
LOOK_ONLY=false
[[ ${1:-} == --check ]] && LOOK_ONLY=true

die() {
  printf 'test-prereqs: %s\n' "$@" >&2
  exit 1
}

may_change_system() {
  ! $LOOK_ONLY && [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null
}

as_root() {  # how to spell a command for the reader: plain for root, with sudo otherwise
  if [[ $(id -u) == 0 ]]; then echo "$*"; else echo "sudo $*"; fi
}

missing_packages() {
  local p
  for p in "${PACKAGES[@]}"; do
    if [[ -n ${REDRES_TEST_PG_ADMIN_URL:-} && $p == postgresql-*-postgis-* ]]; then
      continue  # PostGIS lives on that other server, probed below
    fi
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"
  done
}

install_packages() {
  command -v dpkg-query >/dev/null || {
    echo "test-prereqs: no dpkg here; make sure these are installed: ${PACKAGES[*]}" >&2
    return
  }
  local missing
  missing=$(missing_packages | tr '\n' ' ')
  missing=${missing% }
  [[ -z $missing ]] && return
  local install="apt-get install -y --no-install-recommends $missing"
  may_change_system || die "missing Debian packages: $missing" \
    "run: $(as_root apt-get update) && $(as_root "$install")"
  echo "test-prereqs: installing $missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086  # one word a package
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
  if [[ $missing == *fonts-* ]]; then  # matplotlib lists fonts once; let it see the new ones
    rm -f "${MPLCONFIGDIR:-${XDG_CACHE_HOME:-$HOME/.cache}/matplotlib}"/fontlist-*.json
  fi
}

start_postgres() {
  command -v pg_isready >/dev/null || die "pg_isready not found: install postgresql-client"
  pg_isready -q -t 3 -d "$PG_URL" && return
  local start="pg_ctlcluster --skip-systemctl-redirect ${CLUSTER[*]} start"
  if [[ -n ${REDRES_TEST_PG_ADMIN_URL:-} ]]; then
    die "PostgreSQL is not answering at $PG_URL (REDRES_TEST_PG_ADMIN_URL)"
  fi
  if may_change_system && command -v pg_ctlcluster >/dev/null; then
    echo "test-prereqs: starting PostgreSQL ${CLUSTER[*]}"
    $start || true  # "already running" and the like: pg_isready below tells
    for _ in $(seq 30); do
      pg_isready -q -t 1 -d "$PG_URL" && return
      sleep 1
    done
    die "PostgreSQL ${CLUSTER[*]} did not answer at $PG_URL within 30 s" \
      "see: pg_lsclusters; tail /var/log/postgresql/postgresql-${CLUSTER[0]}-${CLUSTER[1]}.log"
  fi
  die "PostgreSQL is not answering at $PG_URL" "run: $(as_root "$start")"
}

check_postgis() {
  command -v psql >/dev/null || return 0  # no client to ask with; the tests will tell
  local found
  found=$(psql "$PG_URL" -XAtqw -c \
    "SELECT count(*) FROM pg_available_extensions WHERE name = 'postgis'" 2>&1) ||
    die "cannot log in to PostgreSQL at $PG_URL (trust for postgres is expected):" "$found"
  [[ $found == 1 ]] || die "PostgreSQL at $PG_URL has no PostGIS" \
    "run: $(as_root apt-get update) && $(as_root apt-get install -y postgresql-15-postgis-3)"
}

install_packages
start_postgres
check_postgis
