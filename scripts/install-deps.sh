#!/usr/bin/env bash
# Installs what hvnet needs to build and is missing: GSL (libgsl-dev), HDF5 (libhdf5-dev, for
# the NWB export) and pkg-config, through apt-get. Does nothing when they are already there.
set -euo pipefail

if command -v pkg-config >/dev/null 2>&1 && pkg-config --exists gsl && pkg-config --exists hdf5; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "hvnet needs GSL (libgsl-dev), HDF5 (libhdf5-dev) and pkg-config; this system has no apt-get: install them with your package manager." >&2
  exit 1
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "Installing libgsl-dev and libhdf5-dev needs root: run 'apt-get install libgsl-dev libhdf5-dev pkg-config' as root." >&2
    exit 1
  fi
fi

echo "Installing libgsl-dev, libhdf5-dev and pkg-config through apt-get ..."
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq libgsl-dev libhdf5-dev pkg-config >/dev/null
pkg-config --exists gsl || { echo "libgsl-dev was installed but pkg-config does not find gsl" >&2; exit 1; }
pkg-config --exists hdf5 || { echo "libhdf5-dev was installed but pkg-config does not find hdf5" >&2; exit 1; }
echo "GSL $(pkg-config --modversion gsl) and HDF5 $(pkg-config --modversion hdf5) installed."
