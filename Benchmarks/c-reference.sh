#!/usr/bin/env bash
# Median wall time of alternating whole-process runs of hvnet (W100, one thread) and a plain C loop
# of the same workload (100 cells, RK4 at dt = 0.01 ms, 1000 ms, OU input, 20 AMPA and 60 GABA-A
# channels per contact), built with gcc -O3 -march=native -ffast-math -DREDUCED.
# Usage: Benchmarks/c-reference.sh PATH_TO_C_SOURCE [PAIRS] [HVNET]
# HVNET defaults to .build/release/hvnet, built with `make build` when missing. Prints each pair,
# the medians and the ratio hvnet/C (the machine is shared, so the runs alternate and the median
# is the statistic). The two fire at different rates (different connectivity and initial state),
# so what compares is the cost per cell-step: both do 10^7.
set -euo pipefail
source_c=${1:?usage: c-reference.sh PATH_TO_C_SOURCE [PAIRS] [HVNET]}
pairs=${2:-7}
hvnet=${3:-.build/release/hvnet}
scenario=scenarios/random-100.yaml
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
gcc -O3 -march=native -ffast-math -DREDUCED "$source_c" -o "$work/bench_c" -lm
if [ ! -x "$hvnet" ]; then make build >/dev/null; fi
# W100's input and channel counts in the C loop's normalised units: mean 145 pA and SD 20 pA over
# C_m v_T = 20 pF × 26.7 mV, 20 AMPA and 60 GABA-A channels per contact.
c_args=(100 1000 0.271535580524 0.0374531835206 20 60)
time_hvnet() { local s=$EPOCHREALTIME; "$hvnet" run "$scenario" --threads 1 --quiet --out "$work/out" >/dev/null; echo "$EPOCHREALTIME - $s" | bc; }
time_c() { local s=$EPOCHREALTIME; "$work/bench_c" "${c_args[@]}" >"$work/c.txt"; echo "$EPOCHREALTIME - $s" | bc; }
h=(); c=()
for _ in $(seq "$pairs"); do
  h+=("$(time_hvnet)"); c+=("$(time_c)")
  echo "hvnet ${h[-1]} s   C ${c[-1]} s"
done
echo "C loop: $(cat "$work/c.txt")"
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
mh=$(median "${h[@]}"); mc=$(median "${c[@]}")
echo "median hvnet $mh s, C $mc s, ratio hvnet/C $(echo "scale=3; $mh / $mc" | bc)"
