#!/usr/bin/env bash
# Prints the Swift compiler flags for the vector instructions this machine has (the Makefile's
# CPUFLAGS), so that `make build` and `make test` build for it:
#   AVX-512 (F, CD, BW, DQ, VL)  -target-cpu skylake-avx512 and HVNET_AVX512: the right-hand side's
#                                blocks of eight cells and the masked synaptic product use 512-bit
#                                vectors (W100 about 30 % faster than the AVX2 build on an AMD Zen 5)
#   AVX2 and FMA                 -target-cpu haswell (the SIMD right-hand side gains about 8 %)
#   neither                      nothing: any x86-64 (or another architecture)
# Every build gives the same numbers bit for bit: the wide code does each lane's operations in the
# same order, and Swift never fuses a*b + c on its own (docs/performance.md, "Builds").
set -euo pipefail
flags=$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null || true)
has() { for f in "$@"; do [[ " $flags " == *" $f "* ]] || return 1; done; }
if has avx512f avx512cd avx512bw avx512dq avx512vl avx2 fma; then
  echo "-Xswiftc -target-cpu -Xswiftc skylake-avx512 -Xswiftc -DHVNET_AVX512"
elif has avx2 fma; then
  echo "-Xswiftc -target-cpu -Xswiftc haswell"
fi
