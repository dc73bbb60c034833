#!/usr/bin/env bash
# Installs what vmunit's demo and tests need on a fresh Debian machine: QEMU, the cross compiler for the
# arm64 guests, Chromium for the HTML report test, OVMF, yamllint, LAVA's schema, zsh and fish for the
# checks that use them, and the npm dependencies; then builds vmunit. Safe to
# run again: it installs only what is missing and builds only what changed. Needs root (or sudo) for apt.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
command -v qemu-system-aarch64 >/dev/null || need+=(qemu-system-arm)
command -v aarch64-linux-gnu-gcc >/dev/null || need+=(gcc-aarch64-linux-gnu)
command -v make >/dev/null || need+=(make)
command -v gcc >/dev/null || need+=(gcc)
# The HTML report's browser test drives Debian's Chromium (test/reporters/html-chromium.test.ts).
[ -x /usr/bin/chromium ] || need+=(chromium)
# EFI boots (OVMF), the pipelines' lint and LAVA's own job schema, and the zsh/fish completion checks.
[ -f /usr/share/ovmf/OVMF.fd ] || need+=(ovmf)
command -v yamllint >/dev/null || need+=(yamllint)
/usr/bin/python3 -c 'import yaml' 2>/dev/null || need+=(python3-yaml)
/usr/bin/python3 -c 'import lava_common.schemas' 2>/dev/null || need+=(lava-common)
command -v zsh >/dev/null || need+=(zsh)
command -v fish >/dev/null || need+=(fish)
if [ "${#need[@]}" -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${need[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# A node_modules that is a symlink belongs to another checkout (a git worktree sharing one install):
# `npm ci` through it would empty that install under everyone using it, so it is left alone.
if [ -L node_modules ]; then
  :
elif [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
# The build (about 10 s) only when a source, a tsconfig or package.json changed since dist/ was written.
if [ ! -f dist/cli/main.js ] ||
  [ -n "$(find src tsconfig.json tsconfig.build.json package.json -newer dist/cli/main.js -print -quit)" ]; then
  npm run --silent build
fi
