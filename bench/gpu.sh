#!/usr/bin/env bash
# The benchmark table on a machine with an NVIDIA GPU: builds Superscope against DJL's CUDA build of
# libtorch (the `cuda` profile: PyTorch 2.5.1 for CUDA 12.4, a 2.5 GB download the first time), then runs
# bench/bench.py with the torch backend on the GPU beside the BLAS backend on the CPU and numpy.
# Arguments go to bench.py, e.g.  bench/gpu.sh --reps 5 --pairwise --large
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ ! -d /proc/driver/nvidia/gpus ] || [ -z "$(ls -A /proc/driver/nvidia/gpus 2>/dev/null)" ]; then
  echo "bench/gpu.sh: no NVIDIA GPU is visible here (/proc/driver/nvidia/gpus)" >&2
  exit 1
fi
echo "bench/gpu.sh: building with -Pcuda (DJL's CUDA natives)..." >&2
(cd "$root" && ./mvnw -B -q -Pcuda -DskipTests package -pl cli,bench/jmh -am)
touch "$root/cli/target/superscope.jar"   # the launcher must not rebuild it without the profile
# The torch backend on the GPU; KernelRates measures the CPU backends (it runs on --device cpu only).
exec python3 "$root/bench/bench.py" --backends torch,blas --device cuda "$@"
