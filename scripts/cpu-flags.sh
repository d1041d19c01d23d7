#!/usr/bin/env bash
# Prints the Swift compiler flags for the vector instructions this machine has (the Makefile's
# CPUFLAGS): -target-cpu haswell where /proc/cpuinfo lists AVX2 and FMA (the SIMD right-hand side
# gains about 8 %), nothing otherwise (any x86-64, or another architecture). AVX-512 is not a build
# flag: the masked synaptic product's AVX-512 kernel (Sources/CVectorKernels) is chosen at run
# time. Every build gives the same numbers bit for bit: Swift never fuses a*b + c on its own, and
# the kernels do each sum's additions in the same order (docs/performance.md).
set -euo pipefail
flags=$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null || true)
has() { for f in "$@"; do [[ " $flags " == *" $f "* ]] || return 1; done; }
if has avx2 fma; then
  echo "-Xswiftc -target-cpu -Xswiftc haswell"
fi
