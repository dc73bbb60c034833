#!/usr/bin/env bash
# Compares `vmunit run -j2` with kvm-unit-tests' own `./run_tests.sh -j2` on a configured and built
# kvm-unit-tests tree of one architecture, under TCG, and prints "N/M verdict lines identical".
#
#   KUT_DIR=/path/to/kvm-unit-tests e2e/kut-arch.sh ARCH [extra run_tests.sh/vmunit args...]
#
# ARCH is config.mak's ARCH (x86_64, arm64, arm, ppc64, s390x, riscv64) and must match the tree; EFI trees
# (--enable-efi: x86_64 with ovmf, arm64 with qemu-efi-aarch64) are compared the same way. Nothing is built
# here: configure and build the tree first, e.g.
#   ./configure --arch=arm64 --cross-prefix=aarch64-linux-gnu- [--enable-efi] && make
# Extra args (test names, -g GROUP) go to both; TIMEOUT=300 in the environment lifts every cfg timeout in
# both, for a loaded host where OVMF boots under TCG hit the 90 s default.
# run_tests.sh needs `ncat` for the migration group (Debian: apt-get install ncat). vmunit runs with a PATH
# of links to every program in /usr/bin and /bin except ncat/nc/netcat, so it cannot use them.
# Environment: MAX_SMP (default 2), ACCEL (default tcg), JOBS (default 2), VMUNIT (default: this checkout),
# UPSTREAM_RESULTS: a file of run_tests.sh result lines from an earlier run of the same tree (its wall time
# is then not measured); UPSTREAM_SAVE: where to keep this run's run_tests.sh lines.
# Colours are stripped; result lines are compared sorted (with -j they come in completion order).
set -euo pipefail

arch=${1:?usage: KUT_DIR=… $0 ARCH [args…]}
shift
: "${KUT_DIR:?set KUT_DIR to a configured and built kvm-unit-tests tree}"
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=e2e/kut-lib.sh
source "$here/e2e/kut-lib.sh"
vmunit=${VMUNIT:-$here/bin/vmunit.js}
jobs=${JOBS:-2}
export ACCEL=${ACCEL:-tcg} MAX_SMP=${MAX_SMP:-2}

tree_arch=$(sed -n 's/^ARCH=//p' "$KUT_DIR/config.mak")
if [ "$tree_arch" != "$arch" ]; then
	echo "$KUT_DIR/config.mak: ARCH=$tree_arch, not $arch" >&2
	exit 2
fi
out=$(mktemp -d -t vmunit-kut-arch.XXXXXX)
trap 'rm -rf "$out"' EXIT

# A PATH for vmunit without netcat: proves the migration group needs no ncat.
path_without_netcat "$out/bin"

strip() { sed 's/\x1b\[[0-9;]*m//g' | grep -E '^(PASS|FAIL|SKIP) ' | sort; }

start=$(date +%s.%N)
if [ -n "${UPSTREAM_RESULTS:-}" ]; then
	strip < "$UPSTREAM_RESULTS" > "$out/upstream.txt"
else
	(cd "$KUT_DIR" && ./run_tests.sh -j "$jobs" "$@") | strip > "$out/upstream.txt" || true
	[ -n "${UPSTREAM_SAVE:-}" ] && cp "$out/upstream.txt" "$UPSTREAM_SAVE"
fi
mid=$(date +%s.%N)
PATH="$out/bin" "$(command -v node)" "$vmunit" run -C "$KUT_DIR" -j "$jobs" --results "$out/logs" "$@" \
	2> "$out/vmunit.err" | strip > "$out/vmunit.txt" || true
end=$(date +%s.%N)

total=$(wc -l < "$out/upstream.txt")
same=$(comm -12 "$out/upstream.txt" "$out/vmunit.txt" | wc -l)
if ! diff -u --label run_tests.sh --label vmunit "$out/upstream.txt" "$out/vmunit.txt"; then
	echo "vmunit stderr:" && cat "$out/vmunit.err"
fi
printf 'wall: run_tests.sh %.1f s, vmunit %.1f s\n' "$(echo "$mid - $start" | bc)" "$(echo "$end - $mid" | bc)"
echo "$same/$total verdict lines identical ($arch, ACCEL=$ACCEL, MAX_SMP=$MAX_SMP, -j$jobs)"
[ "$same" -eq "$total" ] && [ "$(wc -l < "$out/vmunit.txt")" -eq "$total" ]
