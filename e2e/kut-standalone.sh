#!/usr/bin/env bash
# Compares vmunit's standalone scripts with kvm-unit-tests' own (`make standalone`) on a configured and
# built tree, test by test, and prints "N/M verdict lines identical" (result line and exit status).
#
#   KUT_DIR=/path/to/kvm-unit-tests e2e/kut-standalone.sh TEST...
#
# Upstream's scripts are generated in a copy of the tree (mkstandalone.sh writes tests/ into the tree) and
# run with ncat available (their migration tests need it); vmunit's run with a PATH without netcat.
# REFERENCE=FILE compares with run_tests.sh result lines kept in FILE instead (e.g. UPSTREAM_SAVE of
# e2e/kut-arch.sh): for EFI trees, whose upstream scripts all say "test kernel not present" because
# mkstandalone.sh looks for the .flat. Environment: ACCEL (default tcg), MAX_SMP (default 2), VMUNIT.
set -euo pipefail

[ $# -gt 0 ] || { echo "usage: KUT_DIR=… $0 TEST..." >&2; exit 2; }
: "${KUT_DIR:?set KUT_DIR to a configured and built kvm-unit-tests tree}"
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=e2e/kut-lib.sh
source "$here/e2e/kut-lib.sh"
vmunit=${VMUNIT:-$here/bin/vmunit.js}
export ACCEL=${ACCEL:-tcg} MAX_SMP=${MAX_SMP:-2}
out=$(mktemp -d -t vmunit-kut-sa.XXXXXX)
trap 'rm -rf "$out"' EXIT

path_without_netcat "$out/bin"

if [ -z "${REFERENCE:-}" ]; then
	cp -a "$KUT_DIR" "$out/upstream"
	rm -rf "$out/upstream/tests" "$out/upstream/logs" "$out/upstream/logs.old"
	(cd "$out/upstream" && ./scripts/mkstandalone.sh >/dev/null)
fi
"$(command -v node)" "$vmunit" standalone -C "$KUT_DIR" --output "$out/vmunit" "$@" >/dev/null

# The script's result line without colours, and its exit status.
verdict() { sed 's/\x1b\[[0-9;]*m//g' | grep -E '^(PASS|FAIL|SKIP|skip) ' | tail -n 1; }
run() {
	local rc=0
	(cd "$out" && PATH=$1 timeout 1200 bash "$2" </dev/null >"$out/stdout" 2>/dev/null) || rc=$?
	echo "$(verdict <"$out/stdout") [exit $rc]"
}

same=0
total=0
for test in "$@"; do
	total=$((total + 1))
	if [ -n "${REFERENCE:-}" ]; then
		ref=$(sed 's/\x1b\[[0-9;]*m//g' "$REFERENCE" | grep -E "^(PASS|FAIL|SKIP) $test( |\$)" || echo missing)
		mine=$(run "$out/bin" "$out/vmunit/$test")
		mine_line=${mine% \[exit *}
		[ "$ref" = "$mine_line" ] && same=$((same + 1))
	else
		ref=$(run "$PATH" "$out/upstream/tests/$test")
		mine=$(run "$out/bin" "$out/vmunit/$test")
		[ "$ref" = "$mine" ] && same=$((same + 1))
	fi
	printf '%-28s upstream: %-50s vmunit: %s\n' "$test" "$ref" "$mine"
done
echo "$same/$total verdict lines identical (standalone, ${REFERENCE:+vs $REFERENCE, }ACCEL=$ACCEL)"
[ "$same" -eq "$total" ]
