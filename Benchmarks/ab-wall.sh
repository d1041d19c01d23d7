#!/usr/bin/env bash
# Median wall time of alternating whole-process runs of two hvnet binaries on one scenario.
# Usage: Benchmarks/ab-wall.sh OLD_HVNET NEW_HVNET [SCENARIO] [PAIRS]
# Prints each pair and the medians with their ratio new/old (release builds; the machine is shared,
# so the runs alternate and the median is the statistic).
set -euo pipefail
old=${1:?usage: ab-wall.sh OLD NEW [SCENARIO] [PAIRS]}; new=${2:?}
scenario=${3:-scenarios/random-100.yaml}; pairs=${4:-7}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
time_run() { local s=$EPOCHREALTIME; "$1" run "$scenario" --threads 1 --quiet --out "$work/out" >/dev/null; echo "$EPOCHREALTIME - $s" | bc; }
a=(); b=()
for _ in $(seq "$pairs"); do
  a+=("$(time_run "$old")"); b+=("$(time_run "$new")")
  echo "old ${a[-1]} s   new ${b[-1]} s"
done
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
mo=$(median "${a[@]}"); mn=$(median "${b[@]}")
echo "median old $mo s, new $mn s, ratio new/old $(echo "scale=3; $mn / $mo" | bc)"
