#!/usr/bin/env bash
# The README's first command: set-up, then the built-in demo: build the guest SDK's example guests and run
# them with `vmunit run` under QEMU (KVM when /dev/kvm opens, TCG otherwise; ACCEL=tcg forces TCG).
# Extra arguments go to `vmunit run` (e.g. `-g expected-fail` to see a failing guest).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
make -s -C guest-sdk
echo "demo: vmunit run -C guest-sdk/build -j auto $*"
exec node bin/vmunit.js run -C guest-sdk/build -j auto "$@"
