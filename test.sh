#!/usr/bin/env bash
# Runs every test: installs what the tests need, builds, runs xunit, and ends with the plain line
# "N passed, N failed" (", N skipped" when some were). Exit code is non-zero when any test failed.
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-prerequisites.sh --tests

results=TestResults
rm -rf "$results"
dotnet build NanoChat.Appliance.sln -c Debug -v quiet -nologo
status=0
dotnet test NanoChat.Appliance.sln -c Debug --no-build --nologo \
  --results-directory "$results" \
  --logger "trx;LogFileName=results.trx" \
  --logger "console;verbosity=normal" || status=$?

trx="$results/results.trx"
if [[ ! -f "$trx" ]]; then
  echo "0 passed, 1 failed"
  echo "The test run produced no results file ($trx)." >&2
  exit 1
fi
# The counters line of the TRX file: <Counters total=".." executed=".." passed=".." failed=".." ... notExecuted="..">
read -r passed failed skipped < <(python3 - "$trx" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
counters = dict(re.findall(r'(\w+)="(\d+)"', re.search(r"<Counters [^>]*>", text).group(0)))
print(counters.get("passed", "0"), int(counters.get("failed", "0")) + int(counters.get("error", "0")) + int(counters.get("timeout", "0")), counters.get("notExecuted", "0"))
PY
)
line="$passed passed, $failed failed"
((skipped > 0)) && line="$line, $skipped skipped"
echo "$line"
if ((failed > 0 || status != 0)); then exit 1; fi
