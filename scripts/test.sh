#!/usr/bin/env bash
# The project's one test command (the README names it; .ci/run calls it): set-up, build, type check, lint,
# every node:test suite (QEMU-backed ones included), then kunit.py parse conformance.
# What setup.sh installs (QEMU, Chromium) and builds (dist/) must be there: VMUNIT_REQUIRE makes the tests that need it
# fail rather than skip, and so do kut and kunit when KUT_DIR and KUNIT_PY are given.
# Under CI, missing conformance data is a failure too.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ -z "${VMUNIT_REQUIRE:-}" ]; then
  VMUNIT_REQUIRE=qemu,dist,chromium
  [ -z "${KUT_DIR:-}" ] || VMUNIT_REQUIRE+=,kut
  [ -z "${KUNIT_PY:-}" ] || VMUNIT_REQUIRE+=,kunit
fi
export VMUNIT_REQUIRE
npm run --silent typecheck
npm run --silent lint
node scripts/run-tests.mjs
if [ -n "${CI:-}" ] || [ -f "${VMUNIT_CONFORMANCE_DIR:-../shared/conformance}/check-kunit-parse.mjs" ]; then
  node scripts/conformance.mjs
else
  echo "test: conformance data not found (../shared/conformance, or VMUNIT_CONFORMANCE_DIR); check skipped"
  echo "test: with CI set, this is a failure"
fi
