#!/usr/bin/env bash
# End-to-end check of `vmunit kunit` against kunit.py on real QEMU kernels: both tools configure, build and
# boot the same Linux tree for ARCH, each in its own build dir, and must agree on
#   - the .config, the build command, the QEMU command line, the per-test statuses and counts, the exit status
#     (`run --arch=ARCH`, default kunitconfig: KUNIT_ALL_TESTS);
#   - `exec --run_isolated=suite` (vmunit boots in parallel, -j2, and merges; kunit.py boots one by one);
#   - `--qemu_args` and `--kernel_args` (the QEMU command line), `--kconfig_add` (the .config of `config`);
#   - `--timeout` on a kernel that hangs and a kernel that panics: the same verdict and counts, no QEMU left
#     behind, and vmunit's --json report still valid JSON.
#
# usage: LINUX_DIR=<linux tree> e2e/kunit-qemu.sh <x86_64|arm64|ARCH> [work dir]
#   arm64 is cross-built with --cross_compile=aarch64-linux-gnu- (CROSS_COMPILE=… overrides the prefix).
#   The work dir (default: a new temp dir) keeps both build dirs, <arch>-ref and <arch>-vmunit: reusing it
#   makes both builds incremental. CCACHE=1 puts /usr/lib/ccache first in PATH for both tools (same make
#   command lines); kbuild writes the source tree's path relative to the build dir, so the second build
#   hits the cache only when the work dir is the tree's parent (the two build dirs are then its siblings).
# Nothing is downloaded. Exit status 0 only when everything matches. Not run in CI: a build takes minutes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=./kunit-lib.sh
. "$here/kunit-lib.sh"

arch=${1:?usage: LINUX_DIR=<linux tree> kunit-qemu.sh <arch> [work dir]}
tree=$(cd "${LINUX_DIR:?set LINUX_DIR to a Linux source tree}" && pwd)
work=${2:-$(mktemp -d -t kunit-qemu.XXXXXX)}
mkdir -p "$work"
work=$(cd "$work" && pwd)
[ -f "$tree/tools/testing/kunit/kunit.py" ] || { echo "$tree has no tools/testing/kunit/kunit.py" >&2; exit 2; }
[ "${CCACHE:-0}" = 1 ] && [ -d /usr/lib/ccache ] && export PATH="/usr/lib/ccache:$PATH" CCACHE_NOHASHDIR=1
common=(--arch="$arch")
case "$arch" in
  arm64) common+=(--cross_compile="${CROSS_COMPILE:-aarch64-linux-gnu-}") ;;
  *) [ -n "${CROSS_COMPILE:-}" ] && common+=(--cross_compile="$CROSS_COMPILE") ;;
esac

ok=1
# norm <file>: console text with timestamps, elapsed times and the tool's own build dir name made neutral.
norm() { sed -E "s/^\[..:..:..\] //; s/Elapsed time: .*/Elapsed time: …/; s#$work/$arch-[a-z0-9_-]*(ref|vmunit)#BUILD_DIR#g" "$1"; }
# cmdline <file> <header>: the command echoed after a "Building with:"/"Running tests with:" header.
cmdline() { norm "$1" | grep -A1 -F "$2" | grep '^\$ ' | sort -u; }
# qemu_left <build dir>: QEMU processes still running on that build dir's kernel (must be none).
qemu_left() { pgrep -af "qemu-system-.*$1/" || true; }
valid_json() { node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))' "$1"; }
timed() { # timed <name> <which> <subcommand> <args…>: runs a tool, keeps its output, rc and seconds
  local name=$1 which=$2
  shift 2
  local t0 rc
  t0=$(now_ms)
  tool "$which" "$@" > "$work/$arch-$name-$which.txt" 2>&1 && rc=0 || rc=$?
  echo "$rc" > "$work/$arch-$name-$which.rc"
  echo "$(( ($(now_ms) - t0) / 1000 ))" > "$work/$arch-$name-$which.s"
  echo "   $which $*: exit $rc, $(cat "$work/$arch-$name-$which.s") s"
}
# Tests whose verdict changes from boot to boot of the same kernel (stackinit's switch cases report
# "XFAIL uninit bytes" or pass depending on what the stack held): their statuses are compared through
# kunit.py parse of vmunit's own log, not across the two boots. E2E_FLAKY overrides the pattern.
flaky=${E2E_FLAKY:-'^stackinit\.test_switch_'}
steady() { grep -Ev "$flaky" "$1" | grep -v '^TOTAL' || true; }
same_run() { # same_run <name> [json]: compares the two tools' outputs of one scenario
  local name=$1
  check "$name: exit status ($(cat "$work/$arch-$name-ref.rc"))" diff "$work/$arch-$name-ref.rc" "$work/$arch-$name-vmunit.rc"
  statuses "$work/$arch-$name-ref.txt" > "$work/$arch-$name-ref.statuses"
  statuses "$work/$arch-$name-vmunit.txt" > "$work/$arch-$name-vmunit.statuses"
  if cmp -s "$work/$arch-$name-ref.statuses" "$work/$arch-$name-vmunit.statuses"; then
    echo "same:      $name: per-test statuses and counts ($(tail -1 "$work/$arch-$name-ref.statuses"))"
  else
    check "$name: per-test statuses, boot-dependent tests aside" \
      diff <(steady "$work/$arch-$name-ref.statuses") <(steady "$work/$arch-$name-vmunit.statuses")
    echo "   boot-dependent: $(diff "$work/$arch-$name-ref.statuses" "$work/$arch-$name-vmunit.statuses" | grep '^[<>]' | tr '\n' ' ')"
  fi
  check "$name: QEMU command lines" diff <(cmdline "$work/$arch-$name-ref.txt" 'Running tests with:') \
    <(cmdline "$work/$arch-$name-vmunit.txt" 'Running tests with:')
}
# same_parse <name> <build dir>: vmunit's statuses equal kunit.py parse of the log vmunit's boot left.
same_parse() {
  tool ref parse "$2/test.log" > "$work/$arch-$1-reparse.txt" 2>&1 || true
  check "$1: vmunit = kunit.py parse of vmunit's test.log (all tests and counts)" \
    diff <(statuses "$work/$arch-$1-reparse.txt") "$work/$arch-$1-vmunit.statuses"
}

# E2E_SKIP_RUN=1 skips this scenario (and its builds) when $work/<arch>-ref already holds a built kernel.
# E2E_REUSE_RUN=1 keeps a tool's finished `run` (its $work/<arch>-run-<tool>.rc, .txt, .s) from an earlier
# invocation or a build started by hand with the same command: the checks then read those outputs.
echo "== $arch: run (config, build, boot) in $work"
if [ "${E2E_SKIP_RUN:-0}" != 1 ]; then
  for which in ref vmunit; do
    bd="$work/$arch-$which"
    if [ "${E2E_REUSE_RUN:-0}" = 1 ] && [ -f "$work/$arch-run-$which.rc" ]; then
      echo "   $which: reusing its run (exit $(cat "$work/$arch-run-$which.rc"), $(cat "$work/$arch-run-$which.s") s)"
      continue
    fi
    mkdir -p "$bd"
    extra=()
    [ "$which" = vmunit ] && extra=(--json="$work/$arch-run-vmunit.json")
    timed run "$which" run "${common[@]}" --build_dir="$bd" "${extra[@]}"
  done
  check "run: .config" diff <(grep -v '^#' "$work/$arch-ref/.config" | sort) <(grep -v '^#' "$work/$arch-vmunit/.config" | sort)
  check "run: build command" diff <(cmdline "$work/$arch-run-ref.txt" 'Building with:') \
    <(cmdline "$work/$arch-run-vmunit.txt" 'Building with:')
  same_run run
  same_parse run "$work/$arch-vmunit"
  check "run: vmunit --json is valid" valid_json "$work/$arch-run-vmunit.json"
fi

# The exec scenarios boot one kernel (kunit.py's build) with both tools: the same binary on both sides.
kernel="$work/$arch-ref"
echo "== $arch: --qemu_args, --kernel_args, filter glob (exec)"
for which in ref vmunit; do
  timed args "$which" exec "${common[@]}" --build_dir="$kernel" --qemu_args='-smp 2' \
    --kernel_args=vmunit_e2e=1 --kernel_args=loglevel=7 'kunit*'
done
same_run args

echo "== $arch: --run_isolated=suite 'kunit*' (vmunit: -j2, merged)"
timed isolated ref exec "${common[@]}" --build_dir="$kernel" --run_isolated=suite 'kunit*'
timed isolated vmunit exec "${common[@]}" --build_dir="$kernel" --run_isolated=suite -j2 \
  --json="$work/$arch-isolated-vmunit.json" 'kunit*'
same_run isolated
check "isolated: vmunit --json is valid" valid_json "$work/$arch-isolated-vmunit.json"
echo "   isolated boots: kunit.py $(cat "$work/$arch-isolated-ref.s") s, vmunit $(cat "$work/$arch-isolated-vmunit.s") s"

# A kernel that panics mid-suite (oops=panic on kunit_fault's NULL dereference; panic=-1 reboots, and
# -no-reboot ends QEMU), and one that hangs (the same panic without panic=-1: the kernel halts until the
# per-boot --timeout kills QEMU).
crash_case() { # crash_case <name> <exec args…>: both tools boot kunit_fault; the QEMU must be gone after
  local name=$1
  shift
  echo "== $arch: $name"
  for which in ref vmunit; do
    extra=()
    [ "$which" = vmunit ] && extra=(--json="$work/$arch-$name-vmunit.json")
    timed "$name" "$which" exec "${common[@]}" --build_dir="$kernel" "$@" "${extra[@]}" 'kunit_fault'
    check "$name: no QEMU left ($which)" test -z "$(qemu_left "$kernel")"
  done
  same_run "$name"
  check "$name: vmunit --json is valid" valid_json "$work/$arch-$name-vmunit.json"
}
crash_case panic --timeout=120 --kernel_args=oops=panic --kernel_args=panic=-1
crash_case hang --timeout=20 --kernel_args=oops=panic

echo "== $arch: --kconfig_add (config only)"
for which in ref vmunit; do
  bd="$work/$arch-kconfig-$which"
  rm -rf "$bd"
  mkdir -p "$bd"
  timed kconfig "$which" config "${common[@]}" --build_dir="$bd" --kconfig_add=CONFIG_KUNIT_DEBUGFS=y \
    --kconfig_add=CONFIG_LIST_KUNIT_TEST=m
done
check "kconfig_add: exit status" diff "$work/$arch-kconfig-ref.rc" "$work/$arch-kconfig-vmunit.rc"
check "kconfig_add: .config" diff <(grep -v '^#' "$work/$arch-kconfig-ref/.config" | sort) \
  <(grep -v '^#' "$work/$arch-kconfig-vmunit/.config" | sort)
check "kconfig_add: olddefconfig command" diff <(cmdline "$work/$arch-kconfig-ref.txt" 'Populating config with:') \
  <(cmdline "$work/$arch-kconfig-vmunit.txt" 'Populating config with:')

echo "== $arch: timings (s)"
for name in run args isolated panic hang; do
  [ -f "$work/$arch-$name-ref.s" ] || continue
  echo "   $name: kunit.py $(cat "$work/$arch-$name-ref.s"), vmunit $(cat "$work/$arch-$name-vmunit.s")"
done
echo "outputs in $work"
[ "$ok" = 1 ]
