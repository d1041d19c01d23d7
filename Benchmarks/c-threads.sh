#!/usr/bin/env bash
# How much two threads can gain on one W1000 or W10000 network on this machine: alternating runs of
# a hand-written C loop of the same maths split over threads (Benchmarks/c-threads/threaded.c,
# built around the C reference loop given to c-reference.sh) and of hvnet, each on 1 and on 2
# threads. Prints every round, the medians, and each program's median speed-up (the median of
# the per-round ratios 1 thread / 2 threads), side by side.
# Usage: Benchmarks/c-threads.sh PATH_TO_C_SOURCE [ROUNDS] [HVNET] [DURATION_MS] [CELLS]
#   ROUNDS       rounds of four runs (default 7)
#   HVNET        the binary (default: this repository's .build/release/hvnet, built with
#                `make build` when missing)
#   DURATION_MS  simulated time of both programs (default: the workload's own, 1000 or 200)
#   CELLS        1000 (W1000, the default) or 10000 (W10000)
# Times are those of the time loop only: C's wall_s and hvnet's summary.json work.wall_time_s,
# so start-up and output (serial in both) do not enter the ratio. The machine may be shared:
# the four runs of a round alternate and the median is the statistic.
set -euo pipefail
usage="usage: c-threads.sh PATH_TO_C_SOURCE [ROUNDS] [HVNET] [DURATION_MS] [CELLS]"
fail() { echo "c-threads.sh: $1" >&2; echo "$usage" >&2; exit 1; }
[ $# -ge 1 ] || { echo "$usage" >&2; exit 1; }
source_c=$1
rounds=${2:-7}
cells=${5:-1000}
here=$(cd "$(dirname "$0")" && pwd)
[ -f "$source_c" ] && [ -r "$source_c" ] || fail "PATH_TO_C_SOURCE: $source_c is not a readable file"
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || fail "ROUNDS must be a whole number from 1, not '$rounds'"
case "$cells" in
  1000) duration=${4:-1000} ;;
  10000) duration=${4:-200} ;;
  *) fail "CELLS must be 1000 or 10000 (the W1000 and W10000 workloads), not '$cells'" ;;
esac
[[ "$duration" =~ ^[0-9]+([.][0-9]+)?$ ]] && [ "$(echo "$duration > 0" | bc)" = 1 ] ||
  fail "DURATION_MS must be a positive number of ms, not '$duration'"
if [ -n "${3:-}" ]; then
  hvnet=$3
  [ -x "$hvnet" ] || fail "HVNET: $hvnet is not an executable file"
else
  # The default binary, built from the repository this script belongs to when it is missing.
  hvnet="$here/../.build/release/hvnet"
  [ -x "$hvnet" ] || (cd "$here/.." && make build >/dev/null) || fail "could not build hvnet with make build"
fi
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
reference=$(cd "$(dirname "$source_c")" && pwd)/$(basename "$source_c")
gcc -O3 -march=native -ffast-math -DREDUCED -DREFERENCE="\"$reference\"" -Dmain=reference_main \
  "$here/c-threads/threaded.c" -o "$work/threaded" -lm -lpthread 2>"$work/gcc.log" ||
  { head -5 "$work/gcc.log" >&2; fail "$source_c did not build as the C reference loop (see gcc's first messages above)"; }
sed "s/^duration_ms: .*/duration_ms: $duration/" "$here/workloads/random-$cells.yaml" >"$work/workload.yaml"
# The workload's input and channel counts in the C loop's normalised units (as in c-reference.sh):
# mean 145 pA and SD 20 pA over C_m v_T = 20 pF × 26.7 mV, 20 AMPA and 60 GABA-A channels per
# contact; the C loop's connection probability is 20/N, the workload's (0.02 or 0.002).
c_args=("$cells" "$duration" 0.271535580524 0.0374531835206 20 60)
time_c() { "$work/threaded" "${c_args[@]}" "$1" | sed -n 's/.*wall_s=\([0-9.]*\).*/\1/p'; }
time_hvnet() {
  rm -rf "$work/out"
  "$hvnet" run "$work/workload.yaml" --threads "$1" --quiet --out "$work/out" >/dev/null
  python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['work']['wall_time_s'])" "$work/out/summary.json"
}
c1=(); c2=(); h1=(); h2=(); rc=(); rh=()
for k in $(seq "$rounds"); do
  c1+=("$(time_c 1)"); h1+=("$(time_hvnet 1)"); c2+=("$(time_c 2)"); h2+=("$(time_hvnet 2)")
  rc+=("$(echo "scale=4; ${c1[-1]} / ${c2[-1]}" | bc)"); rh+=("$(echo "scale=4; ${h1[-1]} / ${h2[-1]}" | bc)")
  echo "round $k: C ${c1[-1]} s / ${c2[-1]} s (${rc[-1]}), hvnet ${h1[-1]} s / ${h2[-1]} s (${rh[-1]}) (load $(cut -d' ' -f1 /proc/loadavg))"
done
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
echo "| program | 1 thread | 2 threads | speed-up (median of rounds) |"
echo "|---|---|---|---|"
echo "| C loop split over threads | $(median "${c1[@]}") s | $(median "${c2[@]}") s | $(median "${rc[@]}") |"
echo "| hvnet --threads | $(median "${h1[@]}") s | $(median "${h2[@]}") s | $(median "${rh[@]}") |"
