#!/usr/bin/env bash
# The project's one test command (the README names it; .ci/run calls it): set-up, build, type check, lint,
# every node:test suite (QEMU-backed ones included), then kunit.py parse conformance.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm run --silent typecheck
npm run --silent lint
node scripts/run-tests.mjs
if [ -f ../shared/conformance/check-kunit-parse.mjs ]; then
  node ../shared/conformance/check-kunit-parse.mjs -- node bin/vmunit.js
else
  echo "test: ../shared/conformance not found; conformance check skipped"
fi
