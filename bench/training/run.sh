#!/usr/bin/env bash
# Training throughput (docs/performance.md, "Training throughput"), single thread.
#   1. C# synthetic workload (MinAtar reference network and protocol, one update per step) DQN vs DQN Pro;
#   2. the same workload in Python/PyTorch (bench/training/reference_dqn.py; needs Debian's python3-torch:
#      apt-get install -y python3-torch python3-numpy libopenblas0-pthread); Debian's torch calls libblas.so.3,
#      which is the slow reference BLAS unless OpenBLAS is installed: OpenBLAS's libblas.so.3 is put first on
#      LD_LIBRARY_PATH (no system change) with one thread. With MINATAR_SRC=<folder holding the minatar package>
#      the Python side also runs the real MinAtar Breakout (the reference MinAtar is not installable here: no PyPI);
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
  openblas_dir=${OPENBLAS_DIR:-/usr/lib/x86_64-linux-gnu/openblas-pthread}
  if [ -e "$openblas_dir/libblas.so.3" ]; then
    export LD_LIBRARY_PATH="$openblas_dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" OPENBLAS_NUM_THREADS=1
    echo "BLAS: OpenBLAS from $openblas_dir, one thread"
  else
    echo "BLAS: Debian's default libblas.so.3 (slow reference BLAS; apt-get install -y libopenblas0-pthread for OpenBLAS)"
  fi
  /usr/bin/python3 bench/training/reference_dqn.py --steps "${SYN_STEPS:-3000}" --repeats "${REPEATS:-3}"
  if [ -n "${MINATAR_SRC:-}" ]; then
    echo "== Python/PyTorch on MinAtar Breakout (MINATAR_SRC=$MINATAR_SRC)"
    PYTHONPATH="$MINATAR_SRC" /usr/bin/python3 bench/training/reference_dqn.py --game breakout --steps "${SYN_STEPS:-3000}" --repeats "${REPEATS:-3}"
  fi
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
