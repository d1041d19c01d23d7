#!/usr/bin/env bash
# Runs an hvnet sweep as N processes under mpirun, then merges. No MPI library is involved:
# each process reads its rank (OMPI_COMM_WORLD_RANK or PMI_RANK) and computes the points
# p with p mod N == rank.
#   Usage: scripts/cluster/mpirun-sweep.sh SWEEP OUT N [ARGS...]
# which is the same as
#   mpirun -np N hvnet sweep SWEEP --out OUT [ARGS...]
#   hvnet sweep SWEEP --out OUT --merge
# ARGS go to every process (e.g. --resume, --threads 1). HVNET is the hvnet binary (default:
# hvnet on PATH); MPIRUN (default mpirun) and MPIRUN_ARGS (e.g. "--oversubscribe" or
# "--hostfile hosts") adjust the launch.
set -euo pipefail
usage="usage: mpirun-sweep.sh SWEEP OUT N [ARGS...]"
sweep=${1:?$usage}; out=${2:?$usage}; n=${3:?$usage}; shift 3
hvnet=${HVNET:-hvnet}
read -r -a mpirun_args <<<"${MPIRUN_ARGS:-}"

"${MPIRUN:-mpirun}" -np "$n" "${mpirun_args[@]}" "$hvnet" sweep "$sweep" --out "$out" "$@"
"$hvnet" sweep "$sweep" --out "$out" --merge
