#!/usr/bin/env bash
# Installs what Descent's main job and tests need on a fresh Debian machine that has the .NET 10 SDK:
# Fashion-MNIST (Debian package dataset-fashion-mnist, in /usr/share/datasets/fashion-mnist), Chromium
# (Debian package chromium, /usr/bin/chromium) for the test that opens the HTML report in a headless browser, and
# PostgreSQL (Debian package postgresql: initdb and pg_ctl in /usr/lib/postgresql/VERSION/bin) for the study-store
# tests, which start a throwaway cluster of their own in a temporary directory (as the user "postgres" under root).
# Idempotent: installs only what is missing. Needs root (or sudo) only when something is missing.
set -euo pipefail

missing=()
if [ ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
  missing+=(dataset-fashion-mnist)
fi
if [ ! -x /usr/bin/chromium ]; then
  missing+=(chromium)
fi
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  missing+=(postgresql)
fi
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
echo "Installing ${missing[*]} with apt-get..."
as_root apt-get update -qq
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
# Debian starts a default cluster on port 5432 after installing; the tests do not use it.
# Debian may start its default cluster (port 5432) on installation; the tests do not use it, so stop it again.
if printf '%s\n' "${missing[@]}" | grep -qx postgresql && command -v pg_lsclusters >/dev/null 2>&1; then
  pg_lsclusters --no-header 2>/dev/null | while read -r version cluster _; do
    as_root pg_ctlcluster "$version" "$cluster" stop >/dev/null 2>&1 || true
  done
fi
