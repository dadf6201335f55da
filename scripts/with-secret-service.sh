#!/usr/bin/env bash
# Runs a command against a real Secret Service that nobody else can see: a private D-Bus session
# bus (dbus-run-session) and an unlocked gnome-keyring-daemon whose keyrings live in a temporary
# folder. The keyring tests need this; CI machines and containers have no desktop session.
#   scripts/with-secret-service.sh npx vitest run --config vitest.keyring.config.ts
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 COMMAND [ARG...]" >&2
  exit 2
fi

if [ -z "${OKTA_AWS_SECRET_SERVICE_SESSION:-}" ]; then
  missing=()
  command -v dbus-run-session >/dev/null || missing+=(dbus)
  command -v gnome-keyring-daemon >/dev/null || missing+=(gnome-keyring)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "$0: needs ${missing[*]} (Debian/Ubuntu: apt-get install --no-install-recommends ${missing[*]})" >&2
    exit 127
  fi
  # Re-enter this script inside the private bus; the variable marks the second pass.
  exec dbus-run-session -- env OKTA_AWS_SECRET_SERVICE_SESSION=1 bash "$0" "$@"
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/okta-aws-keyring.XXXXXX")
# The daemon exits when dbus-run-session closes the bus, after this script.
trap 'rm -rf "$scratch"' EXIT

# The daemon keeps its keyrings under XDG_DATA_HOME and its sockets under XDG_RUNTIME_DIR: both
# throwaway, so the user's own keyring is never read or written.
mkdir -m 700 "$scratch/data" "$scratch/runtime" "$scratch/config" "$scratch/cache"
export XDG_DATA_HOME="$scratch/data" XDG_RUNTIME_DIR="$scratch/runtime"
export XDG_CONFIG_HOME="$scratch/config" XDG_CACHE_HOME="$scratch/cache"

# --unlock reads the login keyring's password from stdin, creates that keyring unlocked (it
# becomes the default collection), then may print NAME=value lines (older versions do) to export.
eval "$(printf 'throwaway' | gnome-keyring-daemon --unlock --components=secrets | sed -n 's/^\([A-Z_]*=\)/export \1/p')"

"$@"
