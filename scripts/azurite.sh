#!/usr/bin/env bash
# Starts Azurite on the default ports (Blob 10000, Queue 10001, Table 10002) with data in .azurite/,
# unless something already listens there. Prints the pid it started, or nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
if (echo > /dev/tcp/127.0.0.1/10000) 2>/dev/null; then
  echo "azurite: already listening on 10000; using it" >&2
  exit 0
fi
mkdir -p .azurite
# --skipApiVersionCheck: Azure.Storage.Blobs 12.30 sends a newer service version than Azurite 3.37 knows.
# No --debug: its log grew about 0.5 MiB a minute even idle. Azurite's own output (start-up errors) goes to azurite.log.
node node_modules/azurite/dist/src/azurite.js --silent --skipApiVersionCheck --location .azurite >.azurite/azurite.log 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  if (echo > /dev/tcp/127.0.0.1/10002) 2>/dev/null; then echo "$pid"; exit 0; fi
  sleep 0.1
done
echo "azurite: did not start; see .azurite/azurite.log" >&2
exit 1
