#!/usr/bin/env bash
# Checks hvnet's outputs from the Python side: NWB read-back (pynwb, nwbinspector, Neo), the same
# analysis from run.nwb as from spikes.csv, the generated figures.py scripts, and every ```python
# snippet of docs/python.md and README.md. Usage: scripts/python-checks.sh PATH/TO/hvnet
#
# Makes (or reuses) the venv of scripts/python-env.sh; runs scenarios/ten-cell-ei.yaml for 500 ms
# with traces and --nwb. The last line is "python checks: N passed, M failed"; the exit status is
# non-zero when a check failed.
set -uo pipefail
hvnet=${1:?usage: python-checks.sh PATH/TO/hvnet}
hvnet="$(cd "$(dirname "$hvnet")" && pwd)/$(basename "$hvnet")"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

finish() {
  echo "python checks: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
}

# check NAME COMMAND...: runs the command in $work; its output is shown when it fails.
check() {
  local name=$1; shift
  local out status
  out=$(cd "$work" && "$@" 2>&1); status=$?
  if [ "$status" -eq 0 ]; then
    passed=$((passed + 1))
    echo "ok   $name"
  else
    failed=$((failed + 1))
    echo "FAIL $name (exit $status):"; echo "$out" | tail -n 40 | sed 's/^/    /'
  fi
}

if ! py="$(bash "$root/scripts/python-env.sh" | tail -n 1)" || [ ! -x "$py" ]; then
  echo "FAIL the Python environment (scripts/python-env.sh) could not be made"
  failed=$((failed + 1))
  finish
fi
export MPLBACKEND=Agg

# The runs the snippets of docs/python.md read: runs/default (ten-cell-ei, 500 ms, traces, NWB),
# runs/npy-run (the seed scenario with traces.npy) and runs/my-sweep/results.csv (a sweep's table).
mkdir -p "$work/runs/my-sweep"
sed 's/^duration_ms: .*/duration_ms: 500/' "$root/scenarios/ten-cell-ei.yaml" > "$work/ten-cell-ei-500.yaml"
sed 's/^recording:$/recording:\n  format: npy/' "$root/scenarios/seed-single-cell.yaml" > "$work/seed-npy.yaml"
check "hvnet run ten-cell-ei (500 ms, traces, --nwb)" "$hvnet" run "$work/ten-cell-ei-500.yaml" --nwb --out "$work/runs/default" --quiet
check "hvnet run seed-single-cell with traces.npy" "$hvnet" run "$work/seed-npy.yaml" --out "$work/runs/npy-run" --quiet
cat > "$work/runs/my-sweep/results.csv" <<'EOF'
point,noise.mean_pA,trial,population,cells,n_spikes,rate_hz,cv_isi,cv2,lv,fano_factor,chi,status
0,130,0,E,8,90,11.25,0.81,0.79,0.92,0.71,0.41,ok
0,130,0,I,2,40,20.0,0.66,0.61,0.70,0.52,0.66,ok
1,145,0,E,8,116,14.5,0.88,0.83,0.95,0.79,0.43,ok
1,145,0,I,2,46,23.0,0.70,0.67,0.72,0.53,0.69,ok
EOF
run="$work/runs/default"
[ -f "$run/run.nwb" ] || { echo "FAIL no run.nwb: the remaining checks need it"; failed=$((failed + 1)); finish; }

check "run.nwb: pynwb spike times and traces equal the CSV files, nwbinspector nothing critical, Neo reads it" \
  "$py" "$root/scripts/nwb-readback.py" "$run/run.nwb" "$run/spikes.csv" "$run/traces.csv"

check "hvnet analyze spikes.csv" "$hvnet" analyze "$run/spikes.csv" --t-start 0 --t-stop 500 --out "$work/analysis-csv" --quiet
check "hvnet analyze run.nwb" "$hvnet" analyze "$run/run.nwb" --t-start 0 --t-stop 500 --out "$work/analysis-nwb" --quiet
check "analysis.json of run.nwb equals that of spikes.csv (but for the input's file and format)" "$py" - "$work" <<'EOF'
import json, sys
a, b = (json.load(open(f"{sys.argv[1]}/analysis-{k}/analysis.json")) for k in ("csv", "nwb"))
for d in (a, b):
    for key in ("file", "format", "cells_from", "trials_from"):
        d["input"].pop(key)
differences = [k for k in a if a[k] != b.get(k)]
print("differ:", differences)
sys.exit(1 if differences or a.keys() != b.keys() else 0)
EOF

# figures_check DIR: figures.py writes one PNG per SVG figure of DIR.
figures_check() {
  local dir=$1 out=$2
  "$py" "$dir/figures.py" --out "$out" || return 1
  local missing=0
  for svg in "$dir"/*.svg; do
    local name; name=$(basename "$svg" .svg)
    [ -s "$out/$name.png" ] || { echo "figures.py wrote no $name.png"; missing=1; }
  done
  ls "$out"
  return $missing
}
check "figures.py of the run directory writes every figure (headless)" figures_check "$run" "$work/figures-run"
check "figures.py of the run directory writes SVG too" "$py" "$run/figures.py" --format svg --out "$work/figures-run-svg" --only voltage phase-plane
check "figures.py of the analysis directory writes every figure (headless)" figures_check "$work/analysis-csv" "$work/figures-analysis"

# Every ```python block of docs/python.md and README.md, each on its own, in $work (where runs/ is).
"$py" - "$root" "$work/snippets" <<'EOF'
import os, re, sys
root, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
for doc in ("docs/python.md", "README.md"):
    text = open(os.path.join(root, doc)).read()
    for k, block in enumerate(re.findall(r"```python\n(.*?)```", text, re.S)):
        name = f"{doc.replace('/', '_').replace('.md', '')}_{k + 1}.py"
        open(os.path.join(out, name), "w").write(block)
EOF
for snippet in "$work"/snippets/*.py; do
  check "snippet $(basename "$snippet" .py)" "$py" "$snippet"
done

finish
