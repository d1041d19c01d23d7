#!/usr/bin/env bash
# Stops the single-node Slurm that start-slurm.sh started under STATE_DIR: slurmd, slurmctld,
# then munged, each by the pid in its pid file (so nothing else on the machine is touched).
#   Usage: scripts/cluster/stop-slurm.sh STATE_DIR
set -uo pipefail
state=${1:?usage: stop-slurm.sh STATE_DIR}
[ -d "$state" ] || exit 0

# stop NAME: TERM the pid in STATE_DIR/run/NAME.pid if it is still that program, KILL after 15 s.
stop() {
  local name=$1 pidfile="$state/run/$1.pid" pid
  [ -s "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -q "$name" "/proc/$pid/comm" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "stop-slurm.sh: $name (pid $pid) did not stop; killing it" >&2
      kill -KILL "$pid" 2>/dev/null
    fi
  fi
  rm -f "$pidfile"
}
stop slurmd
stop slurmctld
stop munged
exit 0
