#!/usr/bin/env bash
# Builds the solution once (Release) and runs every Expecto test project under tests/.
# Ends with the plain line `N passed, N failed, N skipped` that CI reads. Extra arguments go to every
# Expecto runner (e.g. `--filter-test-list Theory`). With CI=true a skipped test counts as failed unless
# its reason starts with an entry of tests/skips-allowed.txt (docs/testing.md).
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# The ALE shim and reference driver for the Atari tests (docs/atari.md); does nothing when up to date.
if ! bash native/ale/build.sh --quiet >/dev/null; then
  echo "warning: native/ale/build.sh failed (see above); the Atari tests say why they cannot run"
fi

if ! dotnet build Research.sln -c Release -v quiet -nologo; then
  echo "build failed"
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi

# The .NET Interactive kernel that the notebook tests drive (pinned in .config/dotnet-tools.json).
dotnet tool restore >/dev/null || echo "dotnet tool restore failed: the Polyglot kernel tests will fail"

# Allowed skip reasons: the non-comment lines of tests/skips-allowed.txt, each a prefix of a reason.
mapfile -t allowed < <(grep -v -E '^[[:space:]]*(#|$)' tests/skips-allowed.txt)
allowed_skip() {
  local reason=$1 prefix
  for prefix in "${allowed[@]}"; do [[ "$reason" == "$prefix"* ]] && return 0; done
  return 1
}

passed=0; failed=0; skipped=0; status=0
for proj in tests/*/*.fsproj; do
  name=$(basename "$proj" .fsproj)
  dll="tests/$name/bin/Release/net10.0/$name.dll"
  log=$(mktemp)
  echo "== $name"
  # Escape codes (Expecto's colour reset, which also lacks a final newline) are removed from the output.
  dotnet "$dll" --colours 0 --no-spinner "$@" 2>&1 | sed -u -E 's/\x1b\[[0-9;?]*[A-Za-z]//g' | tee "$log"
  code=${PIPESTATUS[0]}
  [ -n "$(tail -c 1 "$log")" ] && echo
  # Expecto's summary: "EXPECTO! N tests run in T for X – P passed, I ignored, F failed, E errored."
  line=$(grep -E '[0-9]+ passed, [0-9]+ ignored, [0-9]+ failed, [0-9]+ errored' "$log" | tail -n 1)
  if [ -n "$line" ]; then
    read -r p i f e < <(sed -E 's/.* ([0-9]+) passed, ([0-9]+) ignored, ([0-9]+) failed, ([0-9]+) errored.*/\1 \2 \3 \4/' <<<"$line")
    passed=$((passed + p)); failed=$((failed + f + e)); skipped=$((skipped + i))
    if [ "${CI:-}" = "true" ] && [ "$i" -gt 0 ]; then
      # tests/Shared/TestEntry.fs prints one `SKIPPED <test> :: <reason>` line per skipped test.
      explained=0
      while IFS= read -r skip; do
        explained=$((explained + 1))
        if allowed_skip "${skip#* :: }"; then
          echo "$name: skip allowed in CI: ${skip#SKIPPED }"
        else
          echo "$name: skip refused in CI (reason not in tests/skips-allowed.txt): ${skip#SKIPPED }"
          failed=$((failed + 1)); status=1
        fi
      done < <(grep -E '^SKIPPED .* :: ' "$log")
      if [ "$explained" -lt "$i" ]; then
        echo "$name: $((i - explained)) skipped test(s) without a SKIPPED line refused in CI"
        failed=$((failed + i - explained)); status=1
      fi
    fi
  elif [ "$code" -ne 0 ]; then
    echo "$name: runner exited with $code and printed no summary"
    failed=$((failed + 1))
  fi
  [ "$code" -ne 0 ] && status=1
  rm -f "$log"
done
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
