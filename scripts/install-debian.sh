#!/bin/sh
# Installs Debian packages that tests and benchmarks need (prometheus, victoria-metrics, …),
# only when their command is missing. Usage: scripts/install-debian.sh <command>=<package> ...
# Services the packages would start are not started (policy-rc.d), the tests run their own.
set -eu
missing=""
for pair in "$@"; do
  cmd="${pair%%=*}"
  pkg="${pair#*=}"
  command -v "$cmd" >/dev/null 2>&1 || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
