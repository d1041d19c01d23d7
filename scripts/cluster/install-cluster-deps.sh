#!/usr/bin/env bash
# Installs what the cluster checks need through apt-get: Open MPI (mpirun), Slurm (slurmctld,
# slurmd and the client tools sbatch, squeue, sinfo, ...) and MUNGE, Slurm's authentication.
# Does nothing when all of them are already there; runs apt-get update only when something is
# missing. The packages' daemons are not started on installation: start-slurm.sh starts its own.
set -euo pipefail

have_all() {
  command -v mpirun >/dev/null 2>&1 && command -v slurmctld >/dev/null 2>&1 &&
    command -v slurmd >/dev/null 2>&1 && command -v sbatch >/dev/null 2>&1 &&
    command -v munged >/dev/null 2>&1
}
have_all && exit 0

source "$(dirname "$0")/../lib/apt.sh"
APT_NO_DAEMONS=1 apt_install "the cluster checks need Open MPI, Slurm and MUNGE" openmpi-bin slurm-wlm munge
have_all || { echo "openmpi-bin, slurm-wlm and munge were installed, but a command is still missing" >&2; exit 1; }
echo "Installed: $(mpirun --version 2>/dev/null | head -1); $(slurmctld -V); $(munged --version 2>&1 | head -1)"
