#!/usr/bin/env bash
# The test suite, then the cross-CPU passes: the tests of the Paths category (kernels on every vector width, every
# GEMM micro-kernel, the direct convolution, optimizer steps and short real trainings) run again in processes
# where the runtime is told to take narrower vector paths, and compare checksums against those the first pass
# recorded — the same bits on AVX-512, AVX2 and 128-bit (ARM64-like) machines.
#   DOTNET_EnableAVX512F=0              Vector256 paths (AVX2 machines)
#   DOTNET_EnableAVX2=0                 128-bit paths without FMA instructions (.NET 10 turns FMA off with AVX2)
#   DOTNET_PreferredVectorBitWidth=128  128-bit paths with FMA: the closest stand-in for ARM64 NEON here
# Extra arguments go to the first `dotnet test`.
set -euo pipefail
cd "$(dirname "$0")/.."
out="tests/Descent.Tests/TestResults/paths"
file="$PWD/$out/checksums.txt"
mkdir -p "$out"
rm -f "$file"
DESCENT_PATHS_FILE="$file" DESCENT_PATHS_MODE=record dotnet test -c Release "$@"
test -s "$file" || { echo "scripts/test.sh: the first pass recorded no checksums ($file)" >&2; exit 1; }
for setting in DOTNET_EnableAVX512F=0 DOTNET_EnableAVX2=0 DOTNET_PreferredVectorBitWidth=128; do
  echo "== cross-CPU pass: $setting"
  env "$setting" DESCENT_PATHS_FILE="$file" DESCENT_PATHS_MODE=compare DESCENT_PATHS_SETTING="$setting" \
    dotnet test tests/Descent.Tests -c Release --no-build --filter "Category=Paths" --logger "console;verbosity=minimal"
done
