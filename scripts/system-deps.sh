#!/usr/bin/env bash
# Installs the Debian packages the test suite drives for real: a Mosquitto broker (started by the
# tests on free ports), PostgreSQL (initdb'd by the tests into temporary directories, run on
# free ports as an unprivileged user; the packaged server is never used), headless Chromium (for
# Playwright, never a browser download), systemd-analyze (to verify the unit files) and npm (the
# browser tests fetch axe-core from the npm registry with it). Needs
# root; otherwise says what is missing.
set -euo pipefail
need=()
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || need+=(mosquitto)
[ -x /usr/bin/chromium ] || need+=(chromium)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need+=(postgresql)
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
command -v npm >/dev/null 2>&1 || need+=(npm)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: ${need[*]}" >&2
  echo "Install them with: sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
