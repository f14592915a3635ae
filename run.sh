#!/usr/bin/env bash
# Installs what is missing, starts Azurite and serves the Darkroom API on http://localhost:7071.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
azurite_pid=$(scripts/azurite.sh)
if [ -n "$azurite_pid" ]; then trap 'kill "$azurite_pid" 2>/dev/null || true' EXIT; fi
export Darkroom__Inference__ModelDirectory="$PWD/models"
# The development key is seeded only in the Development environment (never in Production).
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
dotnet run --project src/Darkroom.Server -c Release -- "$@"
