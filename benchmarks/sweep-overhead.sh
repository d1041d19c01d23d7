#!/usr/bin/env bash
# Per-point overhead of `hvnet sweep` over plain runs: a sweep of N identical points of a scenario
# against N separate `hvnet run`s of the same scenario, both on one thread, best of REPEATS.
# Prints both wall times and the overhead per point in per cent (the target is under 5 %).
#   Usage: benchmarks/sweep-overhead.sh [PATH/TO/hvnet] [SCENARIO] [N] [DURATION_MS] [REPEATS]
# Defaults: .build/release/hvnet, scenarios/ten-cell-ei.yaml, 8 points, 2000 ms, 3 repeats.
set -euo pipefail
hvnet=$(realpath "${1:-.build/release/hvnet}")
scenario=$(realpath "${2:-scenarios/ten-cell-ei.yaml}")
n=${3:-8}
duration=${4:-2000}
repeats=${5:-3}
work=$(mktemp -d "${TMPDIR:-/tmp}/hvnet-sweep-overhead.XXXXXX")
trap 'rm -rf "$work"' EXIT

values=$(printf '%s, ' $(for _ in $(seq "$n"); do echo "$duration"; done)); values=${values%, }
cat > "$work/sweep.yaml" <<YAML
scenario: $scenario
axes:
  - {key: duration_ms, values: [$values]}
YAML

now() { date +%s.%N; }
best_sweep=inf best_runs=inf
for r in $(seq "$repeats"); do
  rm -rf "$work/sweep" "$work/runs"
  t0=$(now)
  "$hvnet" sweep "$work/sweep.yaml" --out "$work/sweep" --threads 1 --quiet
  t1=$(now)
  for i in $(seq "$n"); do
    "$hvnet" run "$scenario" --duration "$duration" --threads 1 --quiet --out "$work/runs/$i"
  done
  t2=$(now)
  best_sweep=$(awk -v a="$t0" -v b="$t1" -v c="$best_sweep" 'BEGIN { d = b - a; print (c == "inf" || d < c) ? d : c }')
  best_runs=$(awk -v a="$t1" -v b="$t2" -v c="$best_runs" 'BEGIN { d = b - a; print (c == "inf" || d < c) ? d : c }')
done
awk -v s="$best_sweep" -v r="$best_runs" -v n="$n" 'BEGIN {
  printf "sweep of %d identical points: %.3f s; %d plain runs: %.3f s (best of the repeats)\n", n, s, n, r
  printf "overhead per point: %.2f %% (%.1f ms)\n", 100 * (s - r) / r, 1000 * (s - r) / n }'
