#!/usr/bin/env bash
# Reproduces the solver comparison of docs/solvers.md: hvnet compare on ten-cell-ei (1 s, 8 noise
# realisations) and on the seed scenario, one method family per invocation so that each has its
# own table. Results go to docs/results/. Needs a release build (make build).
set -uo pipefail
hvnet=${HVNET:-.build/release/hvnet}
out=docs/results
common=(--duration 1000 --trials 8 --noise-grid 0.0009765625 --quiet)
run() {  # NAME ARGS...
  local name=$1; shift
  timeout 900 "$hvnet" compare scenarios/ten-cell-ei.yaml "${common[@]}" "$@" --out "$out/ten-cell-ei-$name" || echo "$name: stopped (exit $?)"
}
run rk4 --method rk4:dt=0.125,0.0625,0.03125,0.015625 --method rk4/plain:dt=0.03125,0.015625,0.0078125,0.00390625,0.001953125
run rkf45 --method rkf45:rtol=1e-3,1e-4,1e-5,1e-6 --method rkf45/plain:rtol=1e-2,1e-3,1e-4
run rk8pd --method rk8pd:rtol=1e-3,1e-5,1e-7 --method rk8pd/plain:rtol=1e-2,1e-3
run bs32 --method bs32-dyadic:rtol=1e-2,1e-3,1e-4,1e-5,1e-6 --method bs32-dyadic/plain:rtol=1e-2,1e-3
run others --method msadams/plain:rtol=1e-3,1e-5 --method bsimp:rtol=1e-3,1e-5 --method rk2imp:rtol=1e-3,1e-4
# The configurations of the table in docs/solvers.md, and its figure.
run summary --method rk4:dt=0.0625,0.03125,0.015625 --method "rkf45:rtol=1e-4,1e-6,1e-8;hmax=0.05" \
  --method rk8pd:rtol=1e-5,1e-6,1e-7 --method bs32-dyadic:rtol=1e-4,1e-5,1e-6 --method rk4/plain:dt=0.0078125,0.001953125
if command -v rsvg-convert >/dev/null; then
  rsvg-convert "$out/ten-cell-ei-summary/work-precision.svg" -o docs/images/work-precision-ten-cell-ei.png
fi
timeout 900 "$hvnet" compare scenarios/seed-single-cell.yaml --quiet --out "$out/seed-single-cell" \
  --method rk4:dt=0.1,0.05,0.025,0.0125 --method rkf45:rtol=1e-4,1e-6,1e-8 --method rk8pd:rtol=1e-4,1e-6,1e-8 \
  --method bs32-dyadic:rtol=1e-3,1e-5,1e-7 --method msadams:rtol=1e-4,1e-6,1e-8 --method bsimp:rtol=1e-4,1e-6,1e-8
