#!/usr/bin/env bash
# Installs the Debian packages the suite needs (PostgreSQL 15 server, Chromium + driver for browser
# tests, GDAL's ogrinfo for export checks, redis-server for the several-app-servers test and the
# two-server benchmark) when they are missing. With CI=true a package that is
# still missing afterwards fails the run instead of letting tests skip.
set -euo pipefail

missing=()
[ -x /usr/lib/postgresql/15/bin/initdb ] || missing+=(postgresql-15)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
command -v ogrinfo >/dev/null 2>&1 || missing+=(gdal-bin)
[ -x /usr/bin/redis-server ] || command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
elif [ "${CI:-}" = "true" ]; then
  echo "Missing system packages (need root to install): ${missing[*]}" >&2
  exit 1
else
  echo "Note: missing ${missing[*]}; the tests that need them will be skipped (they fail when CI=true)." >&2
fi
