#!/usr/bin/env bash
# The README's first command: set-up, then the built-in demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "demo: (the guest demo lands with the guest runner and SDK)"
