# apt_install WHAT PACKAGE...: installs Debian packages through apt-get (apt-get update first), as
# root or through sudo; WHAT names them for the messages. Returns non-zero with a message on
# stderr when there is no apt-get, no root and no sudo, or apt-get fails. APT_NO_DAEMONS=1 keeps
# the packages' postinst from starting daemons (a temporary /usr/sbin/policy-rc.d).
# Sourced by scripts/install-deps.sh and scripts/cluster/install-cluster-deps.sh.
apt_install() {
  local what=$1; shift
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "$what: this system has no apt-get; install $* with your package manager." >&2
    return 1
  fi
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      echo "$what: installing $* needs root: run 'apt-get install $*' as root." >&2
      return 1
    fi
  fi
  echo "Installing $* through apt-get ..."
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  local rcd=/usr/sbin/policy-rc.d placed_rcd=0 status=0
  if [ "${APT_NO_DAEMONS:-0}" = 1 ] && [ ! -e "$rcd" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$rcd" >/dev/null && $sudo chmod +x "$rcd" && placed_rcd=1
  fi
  $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null || status=$?
  if [ "$placed_rcd" -eq 1 ]; then $sudo rm -f "$rcd"; fi
  if [ "$status" -ne 0 ]; then echo "$what: apt-get install $* failed (exit $status)" >&2; fi
  return "$status"
}
