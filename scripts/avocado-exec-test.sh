#!/usr/bin/env bash
# Runs executables the way Avocado's exec-test runner judges them, for machines without Avocado (it is on
# PyPI only; Debian 12 has no python3-avocado). Each FILE is one test, run with stdin from /dev/null;
# its exit status decides: 0 → PASS, a status in the skip list → SKIP, anything else → FAIL — the rule of
# avocado's exec-test runner with `[runner.exectest.exitcodes] skip = [...]` (see docs/avocado.md).
#
#   scripts/avocado-exec-test.sh [--skip 2,77] [--logs DIR] FILE...
#
# Output imitates `avocado run`'s human output (one STARTED and one result line per test, then RESULTS);
# each test's stdout+stderr goes to DIR/<n>-<name>.log (default: a new temporary folder). Exit status: 0
# when no test failed, 1 when one did (Avocado's AVOCADO_TESTS_FAIL), 2 for a usage error.
set -u

skip_list="2,77"
logs=""
while [ $# -gt 0 ]; do
  case $1 in
  --skip) skip_list=$2; shift 2 ;;
  --logs) logs=$2; shift 2 ;;
  --) shift; break ;;
  -*) echo "avocado-exec-test: unknown option $1" >&2; exit 2 ;;
  *) break ;;
  esac
done
if [ $# -eq 0 ]; then
  echo "usage: $0 [--skip 2,77] [--logs DIR] FILE..." >&2
  exit 2
fi
if [ -z "$logs" ]; then logs=$(mktemp -d) || exit 2; fi
mkdir -p "$logs" || exit 2

is_skip() {
  local code
  for code in ${skip_list//,/ }; do [ "$code" = "$1" ] && return 0; done
  return 1
}

echo "JOB LOG    : $logs"
total=$#
n=0 pass=0 fail=0 skip=0
for file in "$@"; do
  n=$((n + 1))
  echo " ($n/$total) $file: STARTED"
  log="$logs/$n-$(basename "$file").log"
  start=$(date +%s.%N)
  "$file" </dev/null >"$log" 2>&1
  status=$?
  end=$(date +%s.%N)
  if [ "$status" -eq 0 ]; then
    verdict=PASS pass=$((pass + 1))
  elif is_skip "$status"; then
    verdict=SKIP skip=$((skip + 1))
  else
    verdict=FAIL fail=$((fail + 1))
  fi
  printf ' (%d/%d) %s: %s (%.2f s) [exit %d]\n' "$n" "$total" "$file" "$verdict" \
    "$(echo "$end - $start" | awk '{ print $1 - $3 }')" "$status"
done
echo "RESULTS    : PASS $pass | ERROR 0 | FAIL $fail | SKIP $skip | WARN 0 | INTERRUPT 0 | CANCEL 0"
[ "$fail" -eq 0 ]
