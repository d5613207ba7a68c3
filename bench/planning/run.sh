#!/usr/bin/env bash
# Planning-sweep benchmark: the .NET batched engine vs plain numpy (naive and batched), same machine,
# same run. Garnet S=500, A=8, dense transitions, 32 seeds x 8 c, noisy PVI. Prints run-iterations/s
# (runs x iterations / seconds) and the ratios. numpy is Debian's (/usr/bin/python3) with whatever
# BLAS libblas.so.3 points to (the reference BLAS unless OpenBLAS is installed); numpy is slow
# enough that it runs fewer iterations (rates are per iteration, so they compare directly).
# If OPENBLAS_DIR (default: Debian's /usr/lib/x86_64-linux-gnu/openblas-pthread) holds an OpenBLAS
# libblas.so.3, numpy's batched sweep is also run with it (LD_LIBRARY_PATH, no system change).
# Usage: bash bench/planning/run.sh [DOTNET_ITERATIONS] [NUMPY_BATCHED_ITERATIONS] [NUMPY_NAIVE_ITERATIONS]
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet_iterations=${1:-1000}
numpy_batched_iterations=${2:-100}
numpy_naive_iterations=${3:-10}
openblas_dir=${OPENBLAS_DIR:-/usr/lib/x86_64-linux-gnu/openblas-pthread}
python=/usr/bin/python3
if ! "$python" -c 'import numpy' 2>/dev/null; then
  echo "numpy missing: apt-get install -y python3-numpy" >&2
  exit 1
fi
flock /tmp/build.lock dotnet build bench/planning/PlanningBench.fsproj -c Release -v quiet -nologo >/dev/null
echo "== .NET"
net_out=$(dotnet bench/planning/bin/Release/net10.0/PlanningBench.dll --iterations "$dotnet_iterations")
echo "$net_out"
echo "== numpy (default BLAS)"
py_out=$("$python" bench/planning/pvi_sweep.py --iterations "$numpy_batched_iterations" --naive-iterations "$numpy_naive_iterations")
echo "$py_out"
net=$(sed -n 's/^RESULT dotnet_batched_run_iterations_per_s=//p' <<<"$net_out")
np_batched=$(sed -n 's/^RESULT numpy_batched_run_iterations_per_s=//p' <<<"$py_out")
np_naive=$(sed -n 's/^RESULT numpy_naive_run_iterations_per_s=//p' <<<"$py_out")
np_openblas=""
if [ -e "$openblas_dir/libblas.so.3" ]; then
  echo "== numpy (OpenBLAS from $openblas_dir)"
  ob_out=$(LD_LIBRARY_PATH="$openblas_dir" "$python" bench/planning/pvi_sweep.py --iterations "$numpy_batched_iterations" --naive-iterations 0)
  echo "$ob_out"
  np_openblas=$(sed -n 's/^RESULT numpy_batched_run_iterations_per_s=//p' <<<"$ob_out")
fi
echo "== ratio (.NET batched / numpy)"
awk -v a="$net" -v b="$np_batched" -v c="$np_naive" -v d="$np_openblas" 'BEGIN {
  printf ".NET batched %d run-iterations/s; numpy batched %d; numpy naive %d\n", a, b, c
  printf "ratio vs numpy batched: %.2fx; vs numpy naive: %.2fx\n", a / b, a / c
  if (d != "") printf "ratio vs numpy batched with OpenBLAS (%d): %.2fx\n", d, a / d }'
