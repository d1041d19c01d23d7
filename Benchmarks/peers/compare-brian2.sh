#!/usr/bin/env bash
# hvnet against Brian2 (C++ standalone) on W100 or W1000, run alternately RUNS times (default 5);
# prints each wall time, the median ratio and the two firing rates with their sampling error.
# Usage: Benchmarks/peers/compare-brian2.sh [scenarios/random-100.yaml | Benchmarks/workloads/random-1000.yaml]
# THREADS=2 runs hvnet with --threads 2 (one network over two threads) against Brian2 with
# prefs.devices.cpp_standalone.openmp_threads = 2 (OpenMP); the default is one thread each.
# Brian2 comes from PyPI into .venv-peers (numpy below 2.4: Brian2 2.9 does not import with 2.4).
set -euo pipefail
cd "$(dirname "$0")/../.."
workload=${1:-scenarios/random-100.yaml}
runs=${RUNS:-5}
threads=${THREADS:-1}
venv=.venv-peers
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import brian2" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "numpy<2.4" brian2
fi
make -s build >/dev/null
hvnet=.build/release/hvnet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One hvnet run gives the connectivity Brian2 loads.
"$hvnet" run "$workload" --out "$work/hvnet" --quiet --threads "$threads"
cells=$(python3 -c "import json,sys; print(json.load(open('$work/hvnet/summary.json'))['scenario']['cells'])")
duration=$(python3 -c "import json,sys; print(json.load(open('$work/hvnet/summary.json'))['scenario']['duration_ms'])")
"$venv/bin/python" Benchmarks/peers/brian2_w100.py "$work/hvnet/connectivity.csv" "$cells" "$work/brian2" --duration-ms "$duration" --openmp-threads "$([ "$threads" -gt 1 ] && echo "$threads" || echo 0)" > "$work/brian2.txt"
cat "$work/brian2.txt"

# Wall clock from bash's own clock (no process started to read it).
: > "$work/times.txt"
for k in $(seq "$runs"); do
  t0=$EPOCHREALTIME; "$hvnet" run "$workload" --out "$work/h$k" --quiet --threads "$threads"; t1=$EPOCHREALTIME
  (cd "$work/brian2" && exec ./main >/dev/null); t2=$EPOCHREALTIME
  echo "$t0 $t1 $t2" | awk '{ printf "%.6f %.6f\n", $2 - $1, $3 - $2 }' >> "$work/times.txt"
done
python3 - "$work" "$cells" "$duration" "$threads" <<'PY'
import json, re, statistics, sys
work, cells, duration = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
rows = [tuple(map(float, l.split())) for l in open(f"{work}/times.txt")]
h = [r[0] for r in rows]; b = [r[1] for r in rows]
ratios = [y / x for x, y in rows]
steps = duration / 0.01
print(f"threads: {sys.argv[4]} (hvnet --threads, Brian2 OpenMP threads)")
print("run   hvnet s   brian2 s   brian2/hvnet")
for k, (x, y) in enumerate(rows):
    print(f"{k + 1:3d} {x:9.3f} {y:10.3f} {y / x:12.2f}")
print(f"median: hvnet {statistics.median(h):.3f} s ({cells * steps / statistics.median(h) / 1e6:.2f} M cell-steps/s), "
      f"brian2 {statistics.median(b):.3f} s ({cells * steps / statistics.median(b) / 1e6:.2f} M cell-steps/s), "
      f"median ratio brian2/hvnet {statistics.median(ratios):.2f}")
s = json.load(open(f"{work}/hvnet/summary.json"))
hv_spikes = s["spike_count"]
b_spikes = int(re.search(r"(\d+) spikes", open(f"{work}/brian2.txt").read()).group(1))
seconds = duration / 1000
rh, rb = hv_spikes / cells / seconds, b_spikes / cells / seconds
# Poisson-like sampling error of a population rate from N spikes: rate/sqrt(N) (CV ~ 1).
se = ((rh / max(hv_spikes, 1) ** 0.5) ** 2 + (rb / max(b_spikes, 1) ** 0.5) ** 2) ** 0.5
print(f"rates: hvnet {rh:.2f} Hz, brian2 {rb:.2f} Hz, difference {rh - rb:+.2f} Hz = {(rh - rb) / se:+.1f} sampling SE")
PY
