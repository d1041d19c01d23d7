#!/usr/bin/env bash
# Reproduces the solver comparison of docs/solvers.md: hvnet compare on ten-cell-ei (1 s, 8 noise
# realisations, noise grid 2^-10 ms) with every method family in one invocation (so that all share
# one reference run), and on the seed scenario. Results go to docs/results/. Needs a release build
# (make build). TRIALS=2 for a quicker run.
set -uo pipefail
hvnet=${HVNET:-.build/release/hvnet}
out=docs/results
trials=${TRIALS:-8}
timeout 7200 "$hvnet" compare scenarios/ten-cell-ei.yaml --duration 1000 --trials "$trials" --noise-grid 0.0009765625 --quiet \
  --out "$out/ten-cell-ei" \
  --method rk4:dt=0.125,0.0625,0.03125,0.015625,0.0078125 \
  --method rkf45:rtol=1e-3,1e-4,1e-5,1e-6,1e-7,1e-8,1e-9,1e-10 \
  --method "rkf45:rtol=1e-4,1e-6,1e-8;hmax=0.05" \
  --method rk8pd:rtol=1e-4,1e-5,1e-6,1e-7,1e-8,1e-9,1e-10 \
  --method bs32-dyadic:rtol=1e-3,1e-4,1e-5,1e-6,1e-7 \
  --method bsimp:rtol=1e-4,1e-6,1e-8 \
  --method rk4/plain:dt=0.0078125,0.001953125 \
  --method rkf45/plain:rtol=1e-3,1e-5 \
  --method msadams/plain:rtol=1e-4,1e-6 \
  || echo "ten-cell-ei: stopped (exit $?)"
if command -v rsvg-convert >/dev/null; then
  rsvg-convert "$out/ten-cell-ei/work-precision.svg" -o docs/images/work-precision-ten-cell-ei.png
fi
timeout 900 "$hvnet" compare scenarios/seed-single-cell.yaml --quiet --out "$out/seed-single-cell" \
  --method rk4:dt=0.1,0.05,0.025,0.0125 --method rkf45:rtol=1e-4,1e-6,1e-8,1e-10 --method rk8pd:rtol=1e-4,1e-6,1e-8,1e-10 \
  --method bs32-dyadic:rtol=1e-3,1e-5,1e-7,1e-9 --method msadams:rtol=1e-4,1e-6,1e-8,1e-10 --method bsimp:rtol=1e-4,1e-6,1e-8,1e-10 \
  || echo "seed-single-cell: stopped (exit $?)"
