#!/usr/bin/env bash
# Checks that a sweep split over processes gives the same results.csv, byte for byte, as one
# process: under a real mpirun (2 ranks) and as a real Slurm job array (2 tasks plus the
# dependent merge job) on a single-node Slurm started here, with --threads 2, as two --shard
# processes and --merge, and killed with SIGKILL mid-way then finished with --resume, all against
# `hvnet sweep SWEEP --out DIR --threads 1`. Installs Open MPI, Slurm and MUNGE when missing.
# Needs root (slurmd). Every step is under `timeout`; the last line is
# "cluster checks: N passed, M failed" and the exit status is non-zero on any failure.
#   Usage: scripts/cluster-checks.sh PATH/TO/hvnet SWEEP_FILE
set -uo pipefail
usage="usage: cluster-checks.sh PATH/TO/hvnet SWEEP_FILE"
hvnet=${1:?$usage}
sweep=${2:?$usage}
here=$(cd "$(dirname "$0")" && pwd)
cluster="$here/cluster"

# Absolute paths: the Slurm jobs run in their own working directory.
if [[ $hvnet == */* ]]; then hvnet=$(realpath "$hvnet"); else hvnet=$(command -v "$hvnet" || echo "$hvnet"); fi
sweep=$(realpath "$sweep")
[ -x "$hvnet" ] || { echo "cluster checks: '$hvnet' is not an executable"; echo "cluster checks: 0 passed, 1 failed"; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/hvnet-cluster-checks.XXXXXX")
chmod 755 "$work"   # munged wants every directory above its socket searchable by all
slurm_state="$work/slurm-state"
slurm_started=0
cleanup() {
  [ "$slurm_started" -eq 1 ] && timeout 60 "$cluster/stop-slurm.sh" "$slurm_state"
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; }
# run NAME LOG SECONDS CMD...: CMD under timeout, output to LOG, shown when it fails.
run() {
  local name=$1 log=$2 secs=$3 status; shift 3
  timeout "$secs" "$@" >"$log" 2>&1; status=$?
  if [ "$status" -eq 0 ]; then pass "$name"; return 0; fi
  [ "$status" -eq 124 ] && name="$name (timed out after ${secs}s)"
  fail "$name: exit $status, output:"; sed 's/^/    /' "$log" | tail -n 40
  return 1
}

# 1. Open MPI, Slurm, MUNGE.
run "install Open MPI, Slurm and MUNGE" "$work/install.log" 900 bash "$cluster/install-cluster-deps.sh"

# 2. mpirun -np 2, then the merge. mpirun refuses root unless told.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
run "mpirun -np 2 sweep, then --merge" "$work/mpi.log" 600 \
  env HVNET="$hvnet" MPIRUN_ARGS="--oversubscribe" "$cluster/mpirun-sweep.sh" "$sweep" "$work/mpi" 2

# 3. A single-node Slurm; the array of 2 shards and the dependent merge job.
t0=$(date +%s.%N)
if run "start a single-node Slurm" "$work/slurm-start.log" 180 "$cluster/start-slurm.sh" "$slurm_state"; then
  slurm_started=1
  echo "     (Slurm up $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s after start-slurm.sh began; $(sed -n 's/^Slurm is up: //; s/;.*//p' "$work/slurm-start.log"))"
  export SLURM_CONF="$slurm_state/slurm.conf"
  if run "sbatch --array=0-1 and the merge job" "$work/submit.log" 60 \
      env HVNET="$hvnet" "$cluster/submit-sweep.sh" "$sweep" "$work/slurm" 2; then
    array_id=$(sed -n 's/^array job: //p' "$work/submit.log")
    merge_id=$(sed -n 's/^merge job: //p' "$work/submit.log")
    # Wait (bounded) until neither job is pending or running.
    deadline=$(( $(date +%s) + 600 ))
    while [ -n "$(timeout 10 squeue -h -j "$array_id,$merge_id" -o %i 2>/dev/null)" ] &&
          [ "$(date +%s)" -lt "$deadline" ]; do sleep 1; done
    # Every array task and the merge job must have COMPLETED with exit code 0.
    states=$( { timeout 10 scontrol -o show job "$array_id"; timeout 10 scontrol -o show job "$merge_id"; } 2>&1 |
      sed -n 's/^JobId=[0-9]* ArrayJobId=\([0-9]*\) ArrayTaskId=\([0-9]*\).*JobState=\([A-Z_]*\).* ExitCode=\([0-9:]*\).*/\1_\2 \3 \4/p; s/^JobId=\([0-9]*\) JobName.*JobState=\([A-Z_]*\).* ExitCode=\([0-9:]*\).*/\1 \2 \3/p')
    echo "$states" | sed 's/^/     job /'
    ntasks_ok=$(grep -c '_[0-9]* COMPLETED 0:0$' <<<"$states")
    if [ "$ntasks_ok" -eq 2 ] && grep -q "^$merge_id COMPLETED 0:0$" <<<"$states"; then
      pass "Slurm array tasks and merge job completed"
    else
      fail "Slurm jobs did not all complete (or timed out); logs:"
      for f in "$work"/slurm/slurm-logs/*; do [ -f "$f" ] && { echo "    --- $(basename "$f")"; sed 's/^/    /' "$f" | tail -n 20; }; done
      tail -n 20 "$slurm_state/log/slurmctld.log" | sed 's/^/    /'
    fi
  fi
  timeout 60 "$cluster/stop-slurm.sh" "$slurm_state" && slurm_started=0
fi

# 4. The single-process reference.
run "one process, --threads 1" "$work/one.log" 1800 "$hvnet" sweep "$sweep" --out "$work/one" --threads 1

# 5. Two threads; two shards and a merge; a run killed mid-way (kill -9) and resumed.
run "one process, --threads 2" "$work/two.log" 1800 "$hvnet" sweep "$sweep" --out "$work/threads2" --threads 2
run "--shard 0/2, --shard 1/2, then --merge" "$work/shards.log" 1800 bash -c '
  "$1" sweep "$2" --out "$3" --shard 0/2 --threads 1 && "$1" sweep "$2" --out "$3" --shard 1/2 --threads 1 &&
  "$1" sweep "$2" --out "$3" --merge' _ "$hvnet" "$sweep" "$work/shards"
# Start the sweep, kill it with SIGKILL once its first point is in place, then --resume.
"$hvnet" sweep "$sweep" --out "$work/resumed" --threads 1 --quiet >"$work/killed.log" 2>&1 &
victim=$!
deadline=$(( $(date +%s) + 600 ))
while [ -z "$(ls "$work/resumed/points" 2>/dev/null | head -n 1)" ] && kill -0 "$victim" 2>/dev/null &&
      [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.05; done
kill -9 "$victim" 2>/dev/null; wait "$victim" 2>/dev/null
before=$(ls "$work/resumed/points" 2>/dev/null | wc -l)
echo "     (killed with SIGKILL after $before point(s); results.csv there before --resume: $([ -e "$work/resumed/results.csv" ] && echo yes || echo no))"
run "kill -9 mid-way, then --resume" "$work/resume.log" 1800 "$hvnet" sweep "$sweep" --out "$work/resumed" --threads 1 --resume

# 6. The same tables, byte for byte.
for d in mpi slurm threads2 shards resumed; do
  if [ ! -s "$work/one/results.csv" ]; then fail "results.csv of $d: no reference results.csv"
  elif [ ! -s "$work/$d/results.csv" ]; then fail "results.csv of $d: missing or empty"
  elif cmp "$work/one/results.csv" "$work/$d/results.csv"; then pass "results.csv of $d identical to one process"
  else fail "results.csv of $d differs from one process"
  fi
done
for d in threads2 shards resumed; do
  for f in summary.csv points.csv; do
    [ -e "$work/one/$f" ] || continue   # (the stand-in fake-hvnet.sh writes results.csv only)
    if cmp -s "$work/one/$f" "$work/$d/$f"; then pass "$f of $d identical to one process"; else fail "$f of $d differs from one process (or is missing)"; fi
  done
done

echo "cluster checks: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
