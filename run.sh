#!/usr/bin/env bash
# Installs what is missing, starts Azurite and serves the Darkroom API on http://localhost:7071.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
azurite_pid=$(scripts/azurite.sh)
if [ -n "$azurite_pid" ]; then trap 'kill "$azurite_pid" 2>/dev/null || true' EXIT; fi
export Darkroom__Inference__ModelDirectory="$PWD/models"
# glibc reads these only at start: one arena, large blocks from the heap, no trimming while jobs run (the server
# returns free memory itself when idle). Forward passes reuse their buffers instead of faulting them in each time.
export MALLOC_ARENA_MAX=1 MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=2147483647
# The development key is seeded only in the Development environment (never in Production).
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
dotnet run --project src/Darkroom.Server -c Release -- "$@"
