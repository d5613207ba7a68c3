#!/usr/bin/env bash
# Local sweep speed (docs/performance.md, "Local sweeps"): one short MinAtar run alone, then the same kind of run
# x 8 (dqn, dqn-pro x 4 seeds; breakout, 50k frames, evaluations of 2000 steps at 25k and 50k) with
# `prox sweep run --jobs 1` and `--jobs 2`, then the single run again. Prints wall seconds of each and the load.
# Expected on an otherwise idle 2-core machine: 8 runs on 2 jobs <= 8/2 x one run's time + 5 %.
set -euo pipefail
cd "$(dirname "$0")/../.."
dll=src/Cli/bin/Release/net10.0/prox.dll
[ -f "$dll" ] || dotnet build src/Cli -c Release -v quiet -nologo >/dev/null
work=$(mktemp -d /tmp/prox-sweep-bench.XXXXXX)
study=(--envs minatar:breakout --frames 50k --set tensor-board=false --set eval-period=25000 --set eval-steps=2000 --no-figures)
seconds() { local s; s=$(date +%s.%N); "$@" >/dev/null; echo "$(date +%s.%N) - $s" | bc; }
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
one=$(seconds dotnet "$dll" sweep run --name one --agents dqn --seeds 1 "${study[@]}" --jobs 1 --runs "$work/one")
j1=$(seconds dotnet "$dll" sweep run --name j1 --agents dqn,dqn-pro --seeds 4 "${study[@]}" --jobs 1 --runs "$work/j1")
j2=$(seconds dotnet "$dll" sweep run --name j2 --agents dqn,dqn-pro --seeds 4 "${study[@]}" --jobs 2 --runs "$work/j2")
again=$(seconds dotnet "$dll" sweep run --name again --agents dqn --seeds 1 "${study[@]}" --jobs 1 --runs "$work/again")
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "one run: $one s (again: $again s); 8 runs on 1 job: $j1 s; 8 runs on 2 jobs: $j2 s"
echo "8 runs on 2 jobs / (4 x mean single run): $(echo "$j2 / (2 * ($one + $again))" | bc -l | cut -c1-5)"
rm -rf "$work"
