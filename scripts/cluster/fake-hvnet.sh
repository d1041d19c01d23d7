#!/usr/bin/env bash
# STAND-IN FOR TESTING THE CLUSTER SCRIPTS ONLY: this is not hvnet and simulates nothing.
# It mimics the contract of `hvnet sweep` closely enough to prove scripts/cluster-checks.sh,
# the sbatch array and the mpirun example on a real Slurm and a real mpirun:
#   fake-hvnet.sh sweep FILE --out DIR [--threads N] [--shard K/N] [--resume] [--merge]
# Six points, 0..5; point i belongs to shard i mod N. The shard comes from --shard, else the
# Slurm array (SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN of SLURM_ARRAY_TASK_COUNT), else
# Open MPI (OMPI_COMM_WORLD_RANK/SIZE), else PMI (PMI_RANK/SIZE), else srun
# (SLURM_PROCID/SLURM_NTASKS), else 0/1. Each point is written to DIR/points/000i/result.txt
# through a temporary file and mv; --merge (or a shard that finds all six points done) writes
# DIR/results.csv the same way. --resume skips points already written.
set -euo pipefail
npoints=6
die() { echo "fake-hvnet: $*" >&2; exit 1; }

[ "${1:-}" = sweep ] || die "only 'sweep' is mimicked (usage: fake-hvnet.sh sweep FILE --out DIR ...)"
shift
file=${1:?sweep FILE missing}; shift
out="" shard="" merge=0 resume=0
while [ $# -gt 0 ]; do
  case $1 in
    --out) out=${2:?--out needs a directory}; shift 2 ;;
    --threads) shift 2 ;;
    --shard) shard=${2:?--shard needs K/N}; shift 2 ;;
    --merge) merge=1; shift ;;
    --resume) resume=1; shift ;;
    *) die "unknown option '$1'" ;;
  esac
done
[ -n "$out" ] || die "--out DIR is required"
[ -e "$file" ] || die "sweep file not found: $file"

# The shard, in the documented order of precedence.
if [ -n "$shard" ]; then
  k=${shard%/*}; n=${shard#*/}; source="--shard"
elif [ -n "${SLURM_ARRAY_TASK_ID:-}" ] && [ -n "${SLURM_ARRAY_TASK_COUNT:-}" ]; then
  k=$((SLURM_ARRAY_TASK_ID - ${SLURM_ARRAY_TASK_MIN:-0})); n=$SLURM_ARRAY_TASK_COUNT; source="Slurm array"
elif [ -n "${OMPI_COMM_WORLD_RANK:-}" ] && [ -n "${OMPI_COMM_WORLD_SIZE:-}" ]; then
  k=$OMPI_COMM_WORLD_RANK; n=$OMPI_COMM_WORLD_SIZE; source="Open MPI"
elif [ -n "${PMI_RANK:-}" ] && [ -n "${PMI_SIZE:-}" ]; then
  k=$PMI_RANK; n=$PMI_SIZE; source="PMI"
elif [ -n "${SLURM_PROCID:-}" ] && [ -n "${SLURM_NTASKS:-}" ]; then
  k=$SLURM_PROCID; n=$SLURM_NTASKS; source="srun"
else
  k=0; n=1; source="default"
fi
[[ $k =~ ^[0-9]+$ && $n =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] && [ "$k" -lt "$n" ] ||
  die "bad shard '$k/$n' (from $source): need 0 <= K < N"

# write_atomic PATH: stdin to PATH through a temporary file in the same directory.
write_atomic() {
  local tmp
  tmp=$(mktemp "$1.tmp.XXXXXX")
  cat > "$tmp"
  mv -f "$tmp" "$1"
}
point_file() { printf '%s/points/%04d/result.txt' "$out" "$1"; }

merge_points() {
  local i missing=""
  for ((i = 0; i < npoints; i++)); do [ -s "$(point_file "$i")" ] || missing+=" $i"; done
  [ -z "$missing" ] || return 1
  { echo "point,value"; for ((i = 0; i < npoints; i++)); do cat "$(point_file "$i")"; done; } |
    write_atomic "$out/results.csv"
}

mkdir -p "$out"
if [ "$merge" -eq 1 ]; then
  merge_points || die "cannot merge: points missing in $out/points (rerun the shards with --resume)"
  echo "fake-hvnet: merged $npoints points into $out/results.csv"
  exit 0
fi

echo "fake-hvnet: shard $k/$n (from $source) on $(hostname -s), pid $$"
for ((i = 0; i < npoints; i++)); do
  [ $((i % n)) -eq "$k" ] || continue
  f=$(point_file "$i")
  if [ "$resume" -eq 1 ] && [ -s "$f" ]; then continue; fi
  mkdir -p "$(dirname "$f")"
  echo "$i,$((i * i))" | write_atomic "$f"
done
merge_points || true   # the shard that finds every point done writes results.csv too
