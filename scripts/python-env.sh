#!/usr/bin/env bash
# Makes the Python environment of hvnet's Python-side tests and reference scripts.
#
#   scripts/python-env.sh [VENV_DIR]      (default: .venv-test in the repository root)
#
# Creates VENV_DIR with the machine's python3 (or $PYTHON) when it is missing or broken, and
# pip-installs the pinned packages of scripts/python-requirements.txt into it. The venv remembers
# the SHA-256 of the requirements file (and its Python version) it was installed from, so a run
# with nothing changed does not call pip at all. pip's output goes to VENV_DIR/pip-install.log;
# messages go to stderr; the last line on stdout is the venv's python, e.g.
#
#   py="$(scripts/python-env.sh | tail -n 1)" && "$py" Tests/HVNetTests/Resources/fi-reference/fi_reference.py
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
requirements="$here/python-requirements.txt"
venv="${1:-$root/.venv-test}"
base_python="${PYTHON:-python3}"

say() { echo "python-env: $*" >&2; }

command -v "$base_python" >/dev/null 2>&1 || { say "no $base_python on PATH (set PYTHON to a Python 3 interpreter)"; exit 1; }
[ -f "$requirements" ] || { say "missing $requirements"; exit 1; }

mkdir -p "$venv"
venv="$(cd "$venv" && pwd)"
python="$venv/bin/python"
stamp="$venv/.hvnet-requirements.sha256"
log="$venv/pip-install.log"

# One run at a time per venv.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$venv/.hvnet-python-env.lock"
  flock 9
fi

hash_of_requirements() {
  local h
  h="$(sha256sum "$requirements" | cut -d' ' -f1)"
  echo "$h $("$python" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')"
}

# Fast path: a working venv installed from this very requirements file.
if [ -x "$python" ] && "$python" -c 'import sys' >/dev/null 2>&1 && [ -f "$stamp" ] \
   && [ "$(cat "$stamp")" = "$(hash_of_requirements)" ]; then
  echo "$python"
  exit 0
fi

# The venv module and ensurepip: Debian's python3 splits them into python3-venv.
if ! "$base_python" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    say "$base_python has no venv/ensurepip: install Debian's python3-venv (as root: apt-get install python3-venv)"
    exit 1
  fi
  say "installing python3-venv through apt-get ..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq python3-venv >&2
fi

if ! { [ -x "$python" ] && "$python" -m pip --version >/dev/null 2>&1; }; then
  say "creating the venv $venv with $("$base_python" --version 2>&1) ..."
  # Keep the lock file, remove anything else of a broken venv.
  find "$venv" -mindepth 1 -maxdepth 1 ! -name .hvnet-python-env.lock -exec rm -rf {} +
  "$base_python" -m venv "$venv" >&2
fi

say "installing scripts/python-requirements.txt (log: $log) ..."
rm -f "$stamp"
if ! "$python" -m pip install --disable-pip-version-check -r "$requirements" >"$log" 2>&1; then
  say "pip install failed; the end of $log:"
  tail -n 30 "$log" >&2
  exit 1
fi
if ! "$python" -m pip check >>"$log" 2>&1; then
  say "pip check reports inconsistent dependencies; the end of $log:"
  tail -n 10 "$log" >&2
  exit 1
fi
hash_of_requirements >"$stamp"
say "ready: $("$python" --version 2>&1), $(grep -cE '^[A-Za-z0-9]' "$requirements") pinned packages"
echo "$python"
