#!/usr/bin/env bash
# Installs what the test suite needs from Debian: Chromium for the browser end-to-end test.
set -euo pipefail
needed=()
[ -x /usr/bin/chromium ] || needed+=(chromium)
if [ ${#needed[@]} -eq 0 ]; then
  echo "test dependencies present: chromium"
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${needed[@]}"
