#!/usr/bin/env bash
# Notebook editor benchmark: time to interactive of a 100-cell notebook with outputs,
# typing latency while a cell streams 100k lines, long tasks while a cell prints 1M lines.
# Real server, real kernel (Debian's python3), Debian's chromium. Prints figures next to anchors.
set -euo pipefail
cd "$(dirname "$0")/../.."
NANOCHAT_BENCH=1 dotnet test NanoChat.Appliance.Tests --filter "FullyQualifiedName~EditorBenchmark" \
  --logger "console;verbosity=normal" 2>&1 | grep -E "anchor:|Passed|Failed|Error|error" || true
