#!/usr/bin/env bash
# Training throughput (docs/performance.md, "Training throughput"), single thread.
#   1. C# synthetic workload (MinAtar reference network and protocol, one update per step) DQN vs DQN Pro;
#   2. the same workload in Python/PyTorch (bench/training/reference_dqn.py; needs Debian's python3-torch:
#      apt-get install -y python3-torch python3-numpy);
#   3. DQN vs DQN Pro update time, interleaved update by update (robust to machine load);
#   4. end-to-end `Trainer` on minatar:breakout for the minatar-reference and minatar-dopamine presets;
#   5. Rainbow and Rainbow Pro: update time interleaved, and end-to-end on minatar-dopamine (Rainbow preset).
# Environment overrides: SYN_STEPS (3000), REPEATS (3), REF_FRAMES (20000), DOP_FRAMES (60000), RAINBOW_FRAMES (60000).
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
flock /tmp/build.lock dotnet build bench/training/TrainingBench.csproj -c Release -v quiet -nologo
bench=bench/training/bin/Release/net10.0/Research.Bench.Training.dll
echo "== machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== C# synthetic"
dotnet "$bench" synthetic "${SYN_STEPS:-3000}" "${REPEATS:-3}"
echo "== C# DQN Pro overhead per update (interleaved)"
dotnet "$bench" overhead 2000 minatar-reference
dotnet "$bench" overhead 2000 minatar-dopamine
echo "== Python/PyTorch synthetic"
if /usr/bin/python3 -c "import torch" 2>/dev/null; then
  /usr/bin/python3 bench/training/reference_dqn.py --steps "${SYN_STEPS:-3000}" --repeats "${REPEATS:-3}"
else
  echo "python3-torch not installed: apt-get install -y python3-torch python3-numpy"
fi
echo "== C# end-to-end (Trainer, minatar:breakout)"
dotnet "$bench" endtoend "${REF_FRAMES:-20000}" minatar-reference
dotnet "$bench" endtoend "${DOP_FRAMES:-60000}" minatar-dopamine
echo "== C# Rainbow Pro overhead per update (interleaved)"
dotnet "$bench" rainbow-overhead 2000
echo "== C# end-to-end Rainbow (Trainer, minatar:breakout, minatar-dopamine)"
dotnet "$bench" endtoend "${RAINBOW_FRAMES:-60000}" minatar-dopamine rainbow,rainbow-pro
