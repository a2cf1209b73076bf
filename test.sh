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
# Skipped tests (GPU, nanochat checkout, benchmarks) with the reason each gives, then the counts.
# The TRX counters leave skips out of notExecuted: they are total minus executed.
python3 - "$trx" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
for result in re.finditer(r'<UnitTestResult [^>]*testName="([^"]+)"[^>]*outcome="NotExecuted".*?</UnitTestResult>', text, re.S):
    reason = re.search(r"<Message>(.*?)</Message>", result.group(0), re.S)
    print(f"skipped: {result.group(1)}: {reason.group(1).strip() if reason else '(no reason given)'}")
PY
# Failed tests again, at the end, with their message and the first lines of the stack: CI keeps
# only the tail of the output, and the console logger prints a failure where it happened.
python3 - "$trx" <<'PY'
import html, re, sys
text = open(sys.argv[1], encoding="utf-8").read()
for result in re.finditer(r'<UnitTestResult [^>]*testName="([^"]+)"[^>]*outcome="Failed".*?</UnitTestResult>', text, re.S):
    def part(tag, lines):
        found = re.search(rf"<{tag}>(.*?)</{tag}>", result.group(0), re.S)
        return "\n".join(html.unescape(found.group(1)).strip().splitlines()[:lines]) if found else ""
    print(f"failed: {result.group(1)}")
    for line in (part("Message", 20) + "\n" + part("StackTrace", 8)).strip().splitlines():
        print(f"    {line}")
PY
read -r passed failed skipped < <(python3 - "$trx" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
counters = dict(re.findall(r'(\w+)="(\d+)"', re.search(r"<Counters [^>]*>", text).group(0)))
number = lambda name: int(counters.get(name, "0"))
print(number("passed"), number("failed") + number("error") + number("timeout") + number("aborted"), number("total") - number("executed"))
PY
)
line="$passed passed, $failed failed"
((skipped > 0)) && line="$line, $skipped skipped"
echo "$line"
if ((failed > 0 || status != 0)); then exit 1; fi
