#!/usr/bin/env bash
# Speed-up of `hvnet sweep` on several threads: a 2 x 2 x 2 sweep of ten-cell-ei (noise mean, noise
# SD, the AMPA channels of the E ring; 2 trials, DURATION_MS each) with --threads 1 and --threads
# THREADS, best of REPEATS; checks that both give the same results.csv.
#   Usage: Benchmarks/sweep-speedup.sh [PATH/TO/hvnet] [THREADS] [DURATION_MS] [REPEATS]
set -euo pipefail
hvnet=$(realpath "${1:-.build/release/hvnet}")
threads=${2:-2}
duration=${3:-2000}
repeats=${4:-2}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/hvnet-sweep-speedup.XXXXXX")
trap 'rm -rf "$work"' EXIT
cat > "$work/sweep.yaml" <<YAML
scenario: $root/scenarios/ten-cell-ei.yaml
set: {duration_ms: $duration, recording.cells: none}
trials: 2
axes:
  - {key: noise.mean_pA, values: [135, 145]}
  - {key: noise.sd_pA, values: [15, 25]}
  - {key: "connections[0].channels_per_contact", values: [15, 25]}
YAML
best() { awk -v a="$1" -v c="$2" 'BEGIN { print (c == "inf" || a < c) ? a : c }'; }
t1=inf tn=inf
for r in $(seq "$repeats"); do
  rm -rf "$work/one" "$work/many"
  a=$(date +%s.%N); "$hvnet" sweep "$work/sweep.yaml" --out "$work/one" --threads 1 --quiet; b=$(date +%s.%N)
  "$hvnet" sweep "$work/sweep.yaml" --out "$work/many" --threads "$threads" --quiet; c=$(date +%s.%N)
  t1=$(best "$(awk -v a="$a" -v b="$b" 'BEGIN { print b - a }')" "$t1")
  tn=$(best "$(awk -v a="$b" -v b="$c" 'BEGIN { print b - a }')" "$tn")
done
cmp "$work/one/results.csv" "$work/many/results.csv" && echo "results.csv identical for --threads 1 and --threads $threads"
awk -v a="$t1" -v b="$tn" -v t="$threads" 'BEGIN { printf "8 points x 2 trials: --threads 1 %.3f s, --threads %d %.3f s: speed-up %.2fx\n", a, t, b, a / b }'
