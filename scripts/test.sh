#!/usr/bin/env bash
# The project's one test command (the README names it; .ci/run calls it): set-up, build, type check, lint,
# every node:test suite (QEMU-backed ones included), then kunit.py parse conformance.
# What setup.sh installs (QEMU, Chromium) and builds (dist/), and Linux's kunit tool, must be there:
# VMUNIT_REQUIRE makes the tests that need them fail rather than skip, and so does kut when KUT_DIR is given.
# Under CI, missing conformance data is a failure too.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Linux 6.12's kunit tool (Debian's linux-source-6.12) is the reference the KTAP and kernel tests compare
# with; variables already set (a full tree's) win.
refs=$(bash scripts/linux-reference.sh)
while IFS='=' read -r name value; do
  [ -n "${!name:-}" ] || export "$name=$value"
done <<<"$refs"
if [ -z "${VMUNIT_REQUIRE:-}" ]; then
  VMUNIT_REQUIRE=qemu,dist,chromium,kunit
  [ -z "${KUT_DIR:-}" ] || VMUNIT_REQUIRE+=,kut
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
