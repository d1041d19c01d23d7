#!/usr/bin/env bash
# Installs what hvnet needs to build and is missing: GSL (libgsl-dev), HDF5 (libhdf5-dev, for
# the NWB export) and pkg-config, through apt-get. Does nothing when they are already there.
# libhdf5-dev brings the static libhdf5_serial.a that hvnet links and, as its dependencies, the
# libsz (libaec-dev) and libz (zlib1g-dev) that it needs (docs/nwb-export.md).
set -euo pipefail

if command -v pkg-config >/dev/null 2>&1 && pkg-config --exists gsl && pkg-config --exists hdf5; then
  exit 0
fi
source "$(dirname "$0")/lib/apt.sh"
apt_install "hvnet needs GSL, HDF5 and pkg-config" libgsl-dev libhdf5-dev pkg-config
pkg-config --exists gsl || { echo "libgsl-dev was installed but pkg-config does not find gsl" >&2; exit 1; }
pkg-config --exists hdf5 || { echo "libhdf5-dev was installed but pkg-config does not find hdf5" >&2; exit 1; }
echo "GSL $(pkg-config --modversion gsl) and HDF5 $(pkg-config --modversion hdf5) installed."
