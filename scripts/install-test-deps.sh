#!/usr/bin/env bash
# Installs what the test suite needs from Debian: Chromium for the browser end-to-end test and
# redis-server for the scale-out specs (they start their own instance on a free port; the system
# instance the package may start is never used).
set -euo pipefail
needed=()
[ -x /usr/bin/chromium ] || needed+=(chromium)
[ -x /usr/bin/redis-server ] || needed+=(redis-server)
if [ ${#needed[@]} -eq 0 ]; then
  echo "test dependencies present: chromium, redis-server"
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${needed[@]}"
