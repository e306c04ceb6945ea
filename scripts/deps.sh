#!/usr/bin/env bash
# Installs what Parta needs to build, run and test: Debian packages and the npm test packages.
# Idempotent: installs only what is missing; runs `apt-get update` once, only when needed.
set -euo pipefail
cd "$(dirname "$0")/.."

DEB_PACKAGES=(
  build-essential pkg-config
  libwebsockets-dev libwebsockets-evlib-ev libev-dev libjansson-dev libsqlite3-dev libsodium-dev libinih-dev libzip-dev
  libcurl4-openssl-dev libcmocka-dev sqlite3 nodejs npm chromium wrk curl tzdata
  janus
)

missing=()
for p in "${DEB_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# node/npm may come from elsewhere than Debian (the image ships its own): accept them as they are.
if command -v node >/dev/null && command -v npm >/dev/null; then
  filtered=()
  for p in "${missing[@]}"; do [[ $p == nodejs || $p == npm ]] || filtered+=("$p"); done
  missing=("${filtered[@]}")
fi

if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "deps: missing packages: ${missing[*]} (run as root to install)" >&2
    exit 1
  fi
  echo "deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Debian's janus package starts and enables a system Janus with the sample configuration;
  # Parta runs its own (scripts/janus.sh). While installing, a policy-rc.d refuses to start
  # services (unless the machine has one already, as containers do), and afterwards the
  # system unit is disabled.
  policy=/usr/sbin/policy-rc.d
  if [[ " ${missing[*]} " == *" janus "* && ! -e $policy ]]; then
    printf '#!/bin/sh\n# scripts/deps.sh: no services start while Parta installs packages\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    trap 'rm -f "$policy"' EXIT
  fi
  if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  if [[ " ${missing[*]} " == *" janus "* && -d /run/systemd/system ]]; then
    systemctl disable --now janus.service >/dev/null 2>&1 || true
  fi
fi

if [[ ! -d node_modules/playwright-core ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "deps: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
