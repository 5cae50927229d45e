#!/usr/bin/env bash
# Installs the Debian packages healthgate builds against (run as root, or with sudo).
set -euo pipefail
pkgs=(libcurl4-openssl-dev libsqlite3-dev libssl-dev openssl curl ca-certificates)
missing=()
for p in "${pkgs[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends "${missing[@]}"
