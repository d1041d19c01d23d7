#!/usr/bin/env bash
# Per-point overhead of `hvnet sweep` over plain runs: a sweep of N identical points of a scenario
# against N separate `hvnet run`s of the same scenario, both on one thread, best of REPEATS.
# Prints wall and CPU (user + sys) times and the overhead per point in per cent (the target is
# under 5 %). On a machine shared with other work, the CPU times are the steadier measure.
#   Usage: Benchmarks/sweep-overhead.sh [PATH/TO/hvnet] [SCENARIO] [N] [DURATION_MS] [REPEATS]
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

TIMEFORMAT='%R %U %S'
sweep() { "$hvnet" sweep "$work/sweep.yaml" --out "$work/sweep" --threads 1 --quiet; }
runs() { for i in $(seq "$n"); do "$hvnet" run "$scenario" --duration "$duration" --threads 1 --quiet --out "$work/runs/$i"; done; }
: >"$work/times"
for r in $(seq "$repeats"); do
  rm -rf "$work/sweep" "$work/runs"
  { time sweep; } 2>>"$work/sweep.t"
  { time runs; } 2>>"$work/runs.t"
done
# Best (smallest) wall and CPU time of each.
best() { awk 'NR == 1 || $1 < w { w = $1 } NR == 1 || $2 + $3 < c { c = $2 + $3 } END { print w, c }' "$1"; }
read -r sw sc < <(best "$work/sweep.t")
read -r rw rc < <(best "$work/runs.t")
awk -v sw="$sw" -v sc="$sc" -v rw="$rw" -v rc="$rc" -v n="$n" 'BEGIN {
  printf "sweep of %d identical points: wall %.3f s, CPU %.3f s\n", n, sw, sc
  printf "%d plain runs:                wall %.3f s, CPU %.3f s\n", n, rw, rc
  printf "overhead per point: wall %+.2f %% (%+.1f ms), CPU %+.2f %% (%+.1f ms)\n", 100 * (sw - rw) / rw, 1000 * (sw - rw) / n, 100 * (sc - rc) / rc, 1000 * (sc - rc) / n }'
