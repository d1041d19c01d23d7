#!/usr/bin/env bash
# Submits an hvnet sweep to Slurm as a job array of N shards plus a merge job that waits for
# all of them (afterany: it runs even if a shard failed, and then names the missing points).
#   Usage: scripts/cluster/submit-sweep.sh SWEEP OUT N [ARGS...]
# ARGS go to every shard, e.g. --resume to rerun only the points that a failed run left out.
# HVNET is the hvnet binary (default: hvnet on PATH); CPUS_PER_TASK (default 1) the CPUs, and so
# the threads, of each shard. Slurm's own SBATCH_PARTITION, SBATCH_TIMELIMIT, SBATCH_ACCOUNT, ...
# apply to both jobs. Logs go to OUT/slurm-logs/.
# Prints the two job ids as "array job: ID" and "merge job: ID".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
usage="usage: submit-sweep.sh SWEEP OUT N [ARGS...]"
sweep=${1:?$usage}; out=${2:?$usage}; n=${3:?$usage}; shift 3
[[ $n =~ ^[1-9][0-9]*$ ]] || { echo "submit-sweep.sh: N must be a positive integer, not '$n'" >&2; exit 1; }
[ -e "$sweep" ] || { echo "submit-sweep.sh: sweep file not found: $sweep" >&2; exit 1; }

# The jobs may start in another directory or on another node: give them absolute paths.
sweep=$(realpath "$sweep")
mkdir -p "$out/slurm-logs"
out=$(realpath "$out")
HVNET=${HVNET:-hvnet}
if [[ $HVNET == */* ]]; then HVNET=$(realpath "$HVNET"); fi
export HVNET

array_id=$(sbatch --parsable --array=0-$((n - 1)) --job-name=hvnet-sweep --cpus-per-task="${CPUS_PER_TASK:-1}" \
  --output="$out/slurm-logs/sweep-%A_%a.out" "$here/sweep-array.sbatch" "$sweep" "$out" "$@")
array_id=${array_id%%;*}
merge_id=$(sbatch --parsable --dependency=afterany:"$array_id" --job-name=hvnet-merge \
  --output="$out/slurm-logs/merge-%j.out" "$here/sweep-array.sbatch" "$sweep" "$out" --merge)
merge_id=${merge_id%%;*}
echo "array job: $array_id"
echo "merge job: $merge_id"
