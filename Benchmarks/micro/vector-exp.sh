#!/usr/bin/env bash
# Throughput of the vector exp on one core: compiles Sources/Numerics/VectorExp.swift with
# Benchmarks/micro/vector-exp-main.swift (-O, and -target-cpu haswell where the CPU has AVX2 and
# FMA, as `make build`) into a temporary directory and runs it.
# Usage: Benchmarks/micro/vector-exp.sh (from the package root)
set -euo pipefail
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
flags=()
if grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo; then flags=(-target-cpu haswell); fi
swiftc -O -parse-as-library "${flags[@]}" Sources/Numerics/VectorExp.swift Benchmarks/micro/vector-exp-main.swift -o "$work/vector-exp"
"$work/vector-exp"
