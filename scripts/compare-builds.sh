#!/usr/bin/env bash
# Runs every scenario in scenarios/ with two hvnet binaries and checks that they give the same
# connectivity.csv, the same spikes (count, cells, times within 1e-9 ms) and the same traces
# (within 1e-9 relative). For refactorings that must keep every number: build the old revision
# in a second worktree (`git worktree add ../old REV && make -C ../old build`) and run
#   scripts/compare-builds.sh ../old/.build/release/hvnet .build/release/hvnet
set -euo pipefail
old=${1:?usage: compare-builds.sh OLD_HVNET NEW_HVNET}
new=${2:?usage: compare-builds.sh OLD_HVNET NEW_HVNET}
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
passed=0
skipped=0
for scenario in scenarios/*.yaml; do
  name=$(basename "$scenario" .yaml)
  "$old" run "$scenario" --out "$work/old-$name" --quiet >/dev/null 2>&1 || true
  "$new" run "$scenario" --out "$work/new-$name" --quiet >/dev/null 2>&1 || true
  # A scenario that uses what the old build does not have yet is not a comparison.
  if [ ! -f "$work/old-$name/spikes.csv" ] && [ -f "$work/new-$name/spikes.csv" ]; then
    echo "$name: skipped (the old build does not run it)"; skipped=$((skipped + 1)); continue
  fi
  if python3 scripts/compare-runs.py "$work/old-$name" "$work/new-$name"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
  fi
done
echo "compare-builds: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
