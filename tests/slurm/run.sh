#!/usr/bin/env bash
# prox sweep on a real one-node Slurm cluster (tests/slurm/cluster.sh): a 2 agents x 2 seeds study runs as a job
# array to the same files as the local executor; a task cancelled mid-way (scancel) and resubmitted ends
# byte-identical to an uninterrupted run; the dependent figures job ran. Needs root and Debian's slurm-wlm + munge
# (.ci/run installs them). Prints `N passed, N failed` last; exit 1 when a check failed.
set -uo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dll=$repo/src/Cli/bin/Release/net10.0/prox.dll
[ -f "$dll" ] || dotnet build src/Cli -c Release -v quiet -nologo >/dev/null
prox() { dotnet "$dll" "$@"; }
passed=0; failed=0
check() { # check NAME COMMAND...: one test
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "[pass] $name"; else failed=$((failed + 1)); echo "[FAIL] $name"; fi
}
summary() { echo "$passed passed, $failed failed"; [ "$failed" = 0 ]; exit $?; }

if ! start=$(bash tests/slurm/cluster.sh start); then
  failed=$((failed + 1)); echo "[FAIL] the test cluster did not start"; summary
fi
eval "$start"
trap 'bash tests/slurm/cluster.sh stop' EXIT
work=$(mktemp -d /tmp/prox-slurm-test.XXXXXX)

wait_jobs() { # wait until no job of the cluster is pending or running (at most $1 seconds)
  for _ in $(seq "$1"); do
    [ -z "$(squeue -h 2>/dev/null)" ] && return 0
    sleep 1
  done
  echo "jobs still queued after $1 s:"; squeue; return 1
}
same_metrics() { # same_metrics DIR_A DIR_B: every metrics file but throughput.csv byte-identical
  local a=$1 b=$2 f n=0
  for f in "$a"/metrics/*.csv; do
    [ "$(basename "$f")" = throughput.csv ] && continue
    cmp -s "$f" "$b/metrics/$(basename "$f")" || { echo "differs: $f"; return 1; }
    n=$((n + 1))
  done
  [ "$n" -gt 0 ]
}
all_same() { # all_same ROOT_A ROOT_B: every run directory of A equals B's
  local d ok=0
  for d in "$1"/*/; do
    [ -f "$d/config.json" ] || continue
    same_metrics "$d" "$2/$(basename "$d")" || ok=1
  done
  return $ok
}

# 1. The study as a job array (2 tasks at once) plus the figures job; then the same study locally.
slurm=$work/slurm; local=$work/local
prox sweep run tests/slurm/study.yaml --executor slurm --runs "$slurm" --out "$work/figures" --time 10:00 --mem 2G --throttle 2
check "array and figures jobs finished" wait_jobs 600
status=$(prox sweep status "$slurm")
echo "$status" | tail -n 1
check "sweep status: every run complete" grep -q ": 4 runs: 4 complete$" <<<"$status"
check "the figures job ran (report.html)" test -s "$work/figures/report.html"
prox sweep run tests/slurm/study.yaml --executor local --jobs 2 --runs "$local" --no-figures >/dev/null
check "Slurm and local executors wrote the same metrics" all_same "$slurm" "$local"

# 2. A longer run whose task is cancelled mid-way, resubmitted, compared with an uninterrupted run.
long=(tests/slurm/study.yaml --name slurm-cancel --agents dqn-pro --seeds 1 --frames 40000 --set checkpoint-period=1000)
prox sweep run "${long[@]}" --executor slurm --runs "$work/cancel" --out "$work/figures-cancel" --time 10:00 --mem 2G
job=$(squeue -h -n prox-slurm-cancel -o %A | head -n 1)
# Cancel as soon as the first checkpoint exists (a cheap file test every 0.1 s: polling `prox sweep status`
# took long enough for a quiet machine to finish the run first); 40000 frames leave a wide margin.
for _ in $(seq 3000); do
  [ -e "$work/cancel/dqn-pro-cartpole-s0/checkpoints/checkpoint.bin" ] && break
  sleep 0.1
done
scancel "$job"
wait_jobs 120 >/dev/null
partial=$(prox sweep status "$work/cancel" | sed -n 2p)
echo "after scancel: $partial"
check "cancelled mid-way: partial, some steps done" grep -qE " partial +[1-9][0-9]*/40000" <<<"$partial"
prox sweep run "${long[@]}" --executor slurm --runs "$work/cancel" --out "$work/figures-cancel" --time 10:00 --mem 2G
check "resubmitted task and figures job finished" wait_jobs 600
check "the resubmitted run completed" grep -q ": 1 runs: 1 complete$" <<<"$(prox sweep status "$work/cancel")"
prox sweep run "${long[@]}" --executor local --runs "$work/uninterrupted" --no-figures >/dev/null
check "cancelled + resubmitted run is byte-identical to an uninterrupted one" \
  same_metrics "$work/cancel/dqn-pro-cartpole-s0" "$work/uninterrupted/dqn-pro-cartpole-s0"
check "the figures job ran after the resubmission" test -s "$work/figures-cancel/report.html"

rm -rf "$work"
summary
