#!/usr/bin/env bash
# Runs the appliance on http://127.0.0.1:5000 with its data in ./data (installs what it needs first).
# Extra arguments go to `serve`, e.g. ./run.sh --urls http://0.0.0.0:5000
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-prerequisites.sh
dotnet build NanoChat.Appliance -c Release -v quiet -nologo
exec dotnet NanoChat.Appliance/bin/Release/net10.0/NanoChat.Appliance.dll serve --data ./data "$@"
