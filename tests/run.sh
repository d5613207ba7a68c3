#!/usr/bin/env bash
# Builds the solution once (Release) and runs every Expecto test project under tests/.
# Ends with the plain line `N passed, N failed` that CI reads. Extra arguments go to every
# Expecto runner (e.g. `--filter-test-list Theory`).
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if ! dotnet build Research.sln -c Release -v quiet -nologo; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

# The .NET Interactive kernel that the notebook tests drive (pinned in .config/dotnet-tools.json).
dotnet tool restore >/dev/null || echo "dotnet tool restore failed: the Polyglot kernel tests will fail"

passed=0; failed=0; status=0
for proj in tests/*/*.fsproj; do
  name=$(basename "$proj" .fsproj)
  dll="tests/$name/bin/Release/net10.0/$name.dll"
  log=$(mktemp)
  echo "== $name"
  dotnet "$dll" --colours 0 "$@" 2>&1 | tee "$log"
  code=${PIPESTATUS[0]}
  # Expecto's summary: "EXPECTO! N tests run in T for X – P passed, I ignored, F failed, E errored."
  line=$(sed -E 's/\x1b\[[0-9;]*[A-Za-z]//g' "$log" | grep -E '[0-9]+ passed, [0-9]+ ignored, [0-9]+ failed, [0-9]+ errored' | tail -n 1)
  if [ -n "$line" ]; then
    p=$(sed -E 's/.* ([0-9]+) passed, ([0-9]+) ignored, ([0-9]+) failed, ([0-9]+) errored.*/\1/' <<<"$line")
    f=$(sed -E 's/.* ([0-9]+) passed, ([0-9]+) ignored, ([0-9]+) failed, ([0-9]+) errored.*/\3/' <<<"$line")
    e=$(sed -E 's/.* ([0-9]+) passed, ([0-9]+) ignored, ([0-9]+) failed, ([0-9]+) errored.*/\4/' <<<"$line")
    passed=$((passed + p)); failed=$((failed + f + e))
  elif [ "$code" -ne 0 ]; then
    echo "$name: runner exited with $code and printed no summary"
    failed=$((failed + 1))
  fi
  [ "$code" -ne 0 ] && status=1
  rm -f "$log"
done
echo "$passed passed, $failed failed"
exit $status
