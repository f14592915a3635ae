#!/usr/bin/env bash
# Installs what is missing and runs every test. The tests start and stop their own Azurite on free ports.
# Ends with one line: "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")"
scripts/setup.sh || exit 1

log=$(mktemp)
dotnet test Darkroom.slnf --no-restore -c Release 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# One summary line per test assembly: "Passed!  - Failed: 0, Passed: 12, Skipped: 0, Total: 12, ..."
awk '/(Passed|Failed)! +- Failed:/ {
       for (i = 1; i <= NF; i++) { v = $(i+1); gsub(",", "", v);
         if ($i == "Failed:") f += v; if ($i == "Passed:") p += v; if ($i == "Skipped:") s += v }
       n++ }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, s; if (n == 0) exit 1 }' "$log" || status=1
rm -f "$log"
exit "$status"
