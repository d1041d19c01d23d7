#!/usr/bin/env bash
# Installs what the cluster checks need through apt-get: Open MPI (mpirun), Slurm (slurmctld,
# slurmd and the client tools sbatch, squeue, sinfo, ...) and MUNGE, Slurm's authentication.
# Does nothing when all of them are already there; runs apt-get update only when something is
# missing.
set -euo pipefail

have_all() {
  command -v mpirun >/dev/null 2>&1 && command -v slurmctld >/dev/null 2>&1 &&
    command -v slurmd >/dev/null 2>&1 && command -v sbatch >/dev/null 2>&1 &&
    command -v munged >/dev/null 2>&1
}
have_all && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "the cluster checks need Open MPI, Slurm and MUNGE; this system has no apt-get: install openmpi-bin, slurm-wlm and munge with your package manager." >&2
  exit 1
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "Installing openmpi-bin, slurm-wlm and munge needs root." >&2
    exit 1
  fi
fi

echo "Installing openmpi-bin, slurm-wlm and munge through apt-get ..."
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# policy-rc.d stops the packages' postinst from starting daemons: start-slurm.sh starts its own.
rcd=/usr/sbin/policy-rc.d
placed_rcd=0
if [ ! -e "$rcd" ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee "$rcd" >/dev/null && $sudo chmod +x "$rcd" && placed_rcd=1
fi
status=0
$sudo apt-get install -y -qq --no-install-recommends openmpi-bin slurm-wlm munge >/dev/null || status=$?
[ "$placed_rcd" -eq 1 ] && $sudo rm -f "$rcd"
[ "$status" -eq 0 ] || { echo "apt-get install failed (exit $status)" >&2; exit "$status"; }
have_all || { echo "openmpi-bin, slurm-wlm and munge were installed, but a command is still missing" >&2; exit 1; }
echo "Installed: $(mpirun --version 2>/dev/null | head -1); $(slurmctld -V); $(munged --version 2>&1 | head -1)"
