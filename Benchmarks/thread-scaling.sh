#!/usr/bin/env bash
# One network over one and over two threads: medians of alternating whole-process runs of
# `hvnet run --threads 1` and `--threads 2` (one trial, so the second thread splits the network),
# their ratio, and whether spikes.csv is byte-identical.
# Usage: Benchmarks/thread-scaling.sh [HVNET] [RUNS] [SCENARIO...]
#   HVNET     the binary (default .build/release/hvnet, from `make build`)
#   RUNS      runs per thread count, alternating (default 5)
#   SCENARIO  workloads (default W100, W1000 and W10000)
# Prints one line per run and a table row per workload. The machine may be shared: the runs
# alternate so that a change of load hits both, and the median is the statistic.
set -euo pipefail
hvnet=${1:-.build/release/hvnet}; runs=${2:-5}; shift $(( $# > 2 ? 2 : $# ))
scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=(scenarios/random-100.yaml Benchmarks/workloads/random-1000.yaml Benchmarks/workloads/random-10000.yaml)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
time_run() {  # binary scenario threads outdir -> wall seconds of the whole process
  local s=$EPOCHREALTIME
  "$hvnet" run "$2" --threads "$3" --quiet --out "$4" >/dev/null
  echo "$EPOCHREALTIME - $s" | bc
}
rows=()
for scenario in "${scenarios[@]}"; do
  name=$(basename "$scenario" .yaml)
  one=(); two=()
  for k in $(seq "$runs"); do
    one+=("$(time_run "$hvnet" "$scenario" 1 "$work/one")")
    two+=("$(time_run "$hvnet" "$scenario" 2 "$work/two")")
    echo "$name run $k: 1 thread ${one[-1]} s, 2 threads ${two[-1]} s (load $(cut -d' ' -f1 /proc/loadavg))"
  done
  identical=$(cmp -s "$work/one/spikes.csv" "$work/two/spikes.csv" && echo yes || echo NO)
  m1=$(median "${one[@]}"); m2=$(median "${two[@]}")
  rows+=("| $name | $m1 s | $m2 s | $(echo "scale=2; $m1 / $m2" | bc) | $identical |")
done
echo "| workload | 1 thread | 2 threads | speed-up | spikes.csv identical |"
echo "|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
