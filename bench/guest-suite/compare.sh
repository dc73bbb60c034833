#!/usr/bin/env bash
# Runs kvm-unit-tests' run_tests.sh and `vmunit run` on the same configured and built tree, one after the
# other, and prints: wall-time ratio, per-test harness overhead, and the verdict/reason diff.
#
#   bench/guest-suite/compare.sh KUT_DIR [JOBS]
#
# KUT_DIR must already be configured and built (this script never fetches or builds kvm-unit-tests).
# ACCEL defaults to tcg (nested KVM boots take ~9 s each); set ACCEL=kvm to compare under KVM.
# VMUNIT_FIRMWARE=auto (or qboot) boots vmunit's guests with qboot where the verdict is SeaBIOS's;
# run_tests.sh always uses SeaBIOS. CI_SET=1 runs only the 30 x86 tests upstream's CI runs; TESTS="a b"
# any list. Goals (issue 16): overhead < 5 ms/test, first QEMU < 150 ms after start, identical verdicts;
# under KVM with VMUNIT_FIRMWARE=auto and CI_SET=1, wall <= 0.45x run_tests.sh.
# With VMUNIT_FIRMWARE set to other than seabios, the tests it booted otherwise run once more under SeaBIOS
# (vmunit), for the firmware figure: tests finishing under both, SeaBIOS time vs auto (goal <= 0.4x).
# figures.mjs prints the per-test table (times from both tools, firmware) and classifies each difference;
# the exit status is 0 when verdicts agree and every other difference is a dead guest vmunit ended early.
# GROUP=G runs only that cfg group in both (`-g G`) and skips the serial overhead phase, e.g. the arm64
# migration group: GROUP=migration compare.sh /path/to/arm64-tree (run_tests.sh needs ncat for it,
# vmunit talks QMP itself).
set -euo pipefail
# One compound command: bash parses it whole before it runs, so editing this file during a run (the KVM
# comparison takes an hour) cannot make bash read the rest at a shifted offset, as it did once.
{

kut=${1:?usage: compare.sh KUT_DIR [JOBS]}
jobs=${2:-2}
kut=$(cd "$kut" && pwd)
repo=$(cd "$(dirname "$0")/../.." && pwd)
export ACCEL=${ACCEL:-tcg}
[ -f "$kut/config.mak" ] || { echo "compare.sh: $kut is not a configured kvm-unit-tests tree" >&2; exit 2; }
# Without /dev/kvm both tools SKIP every test that needs KVM and the comparison measures nothing.
if [[ $ACCEL == kvm* ]] && ! { [ -r /dev/kvm ] && [ -w /dev/kvm ]; }; then
	echo "compare.sh: ACCEL=$ACCEL but /dev/kvm cannot be opened for reading and writing on this host" >&2
	exit 2
fi

ci_set='eventinj intel_iommu ioapic memory pks pku rdpru realmode rmap_chain s3 setjmp sieve smap smptest
smptest3 syscall tsc umip vmexit_cpuid vmexit_cr0_wp vmexit_cr4_pge vmexit_inl_pmtimer vmexit_ipi vmexit_ipi_halt
vmexit_mov_from_cr8 vmexit_mov_to_cr8 vmexit_ple_round_robin vmexit_tscdeadline vmexit_tscdeadline_immed xsave'
tests=${TESTS:-}
[ "${CI_SET:-0}" = 1 ] && tests=$ci_set
# shellcheck disable=SC2206
tests=( $tests )

# KEEP=DIR keeps every log and record there (per-test times, `vmunit run` logs) instead of a temporary folder.
if [ -n "${KEEP:-}" ]; then
	out=$KEEP
	mkdir -p "$out"
else
	out=$(mktemp -d -t vmunit-compare.XXXXXX)
	trap 'rm -rf "$out"' EXIT
fi
# What users run: bin/vmunit.js and the built bundle, built now (dist/ may be stale in a working tree).
(cd "$repo" && npm run --silent build) >/dev/null
vmunit() { node "$repo/bin/vmunit.js" "$@"; }
now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.${2:-3}f\", $1 }"; }
strip() { sed -e 's/\x1b\[[0-9;]*m//g' -e 's/[[:space:]]*$//' | grep -E '^(PASS|FAIL|SKIP) ' | sort -k2,2; }

# PHASES=overhead skips the two full runs and measures only the serial overhead phase (QUICK_TESTS).
phases=${PHASES:-all}
default_quick='smptest smptest3 vmexit_cpuid vmexit_mov_from_cr8 vmexit_mov_to_cr8 vmexit_inl_pmtimer vmexit_ipi
vmexit_ipi_halt vmexit_ple_round_robin vmexit_tscdeadline vmexit_tscdeadline_immed vmexit_cr0_wp vmexit_cr4_pge
smap pku pks eventinj memory setjmp syscall'

group=()
[ -n "${GROUP:-}" ] && group=(-g "$GROUP")
load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "== load average at start: $(load)"
echo "== tree: $kut  ACCEL=$ACCEL  -j $jobs  firmware (vmunit): ${VMUNIT_FIRMWARE:-seabios}  tests: $([ ${#tests[@]} -eq 0 ] && echo all || echo ${#tests[@]})${GROUP:+  group $GROUP}"
if [ "$phases" = overhead ]; then
	quick=${QUICK_TESTS:-$default_quick}
	k=$(wc -w <<<"$quick")
else
echo "== run_tests.sh -j $jobs"
t0=$(now)
# Its logs go to our folder: per-test times come from them, and the tree's logs/ may be someone else's.
(cd "$kut" && unittest_log_dir="$out/ref-logs" ./run_tests.sh -j "$jobs" "${group[@]}" "${tests[@]}") \
	>"$out/ref.raw" 2>"$out/ref.err" || true
t1=$(now)
echo "== vmunit run -j $jobs"
vmunit run -C "$kut" -j "$jobs" "${group[@]}" --results "$out/vmunit-logs" --no-color "${tests[@]}" >"$out/vm.raw" 2>"$out/vm.err" || true
t2=$(now)
fw_s=''
if [ -n "${VMUNIT_FIRMWARE:-}" ] && [ "$VMUNIT_FIRMWARE" != seabios ]; then
	# shellcheck disable=SC2207
	other=( $(node -e '
	  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
	  const t = r.tests.filter((t) => t.attributes?.firmware !== undefined && t.attributes.firmware !== "seabios");
	  console.log(t.map((t) => t.name).join(" "));' "$out/vmunit-logs/record.json") )
	echo "== vmunit run -j $jobs --firmware seabios: the ${#other[@]} tests $VMUNIT_FIRMWARE booted otherwise"
	if [ ${#other[@]} -gt 0 ]; then
		f0=$(now)
		vmunit run -C "$kut" -j "$jobs" --firmware seabios --results "$out/vmunit-seabios" --no-color "${other[@]}" \
			>"$out/vm-seabios.raw" 2>"$out/vm-seabios.err" || true
		fw_s=$(calc "$(now) - $f0")
	fi
fi

strip <"$out/ref.raw" >"$out/ref.txt"
strip <"$out/vm.raw" >"$out/vm.txt"
ref_s=$(calc "$t1 - $t0")
vm_s=$(calc "$t2 - $t1")
n=$(wc -l <"$out/ref.txt")

# Per-test harness overhead, on the tests that ran QEMU (the same guests under both harnesses):
# (harness wall time x jobs - time QEMU itself ran) / tests. QEMU time is what vmunit measured per test
# (spawn to exit); run_tests.sh runs the same QEMU command lines, so the same figure is used for both.
# QEMU time of every test, and of the longest one: no schedule at -j N ends before either the sum / N or the
# longest test (a test that runs to its timeout under both harnesses sets that floor).
read -r qemu_ms longest_ms longest_name < <(node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const top = r.tests.reduce((a, t) => (t.durationMs > a.durationMs ? t : a), { durationMs: 0, name: "-" });
  console.log(r.tests.reduce((s, t) => s + t.durationMs, 0), top.durationMs, top.name);' "$out/vmunit-logs/results.json")
# Serial phase: the same quick tests at -j 1, where wall time minus QEMU time is pure harness cost.
quick=$(node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const q = r.tests.filter((t) => t.verdict === "PASS" && t.durationMs < 3000).slice(0, 20);
  console.log(q.map((t) => t.name).join(" "));' "$out/vmunit-logs/results.json")
quick=${QUICK_TESTS:-$quick}
k=$(wc -w <<<"$quick")
[ -n "${GROUP:-}" ] && k=0
# PHASES=runs: the two full runs only, no serial overhead phase.
[ "$phases" = runs ] && k=0
fi
echo "== serial phase: $k quick tests at -j 1"
if [ "$k" -gt 0 ]; then
	q0=$(now)
	# shellcheck disable=SC2086
	(cd "$kut" && unittest_log_dir="$out/ref-quick-logs" ./run_tests.sh $quick) >"$out/ref-quick.raw" 2>&1 || true
	q1=$(now)
	# shellcheck disable=SC2086
	vmunit run -C "$kut" --results "$out/vmunit-quick" --no-color $quick >"$out/vm-quick.raw" 2>&1 || true
	q2=$(now)
	# The same without the QMP monitor (--wait-timeouts drops it): what watching the run state costs.
	# shellcheck disable=SC2086
	vmunit run -C "$kut" --results "$out/vmunit-noqmp" --no-color --wait-timeouts $quick >/dev/null 2>&1 || true
	# Fixed start-up cost (config, cfg parsing, iterating every entry) with no test selected.
	(cd "$kut" && unittest_log_dir="$out/ref-empty-logs" ./run_tests.sh _no_such_test_) >/dev/null 2>&1 || true
	q3=$(now)
	vmunit run -C "$kut" --results "$out/vmunit-empty" _no_such_test_ >/dev/null 2>&1 || true
	q4=$(now)
	quick_qemu_ms=$(node -e '
	  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
	  console.log(r.tests.filter((t) => t.durationMs > 0).reduce((s, t) => s + t.durationMs, 0));' "$out/vmunit-quick/results.json")
	ref_over=$(calc "(($q1 - $q0) * 1000 - $quick_qemu_ms) / $k" 1)
	vm_over=$(calc "(($q2 - $q1) * 1000 - $quick_qemu_ms) / $k" 1)
	ref_over_net=$(calc "(($q1 - $q0 - ($q3 - $q2)) * 1000 - $quick_qemu_ms) / $k" 1)
	vm_over_net=$(calc "(($q2 - $q1 - ($q4 - $q3)) * 1000 - $quick_qemu_ms) / $k" 1)
	ref_empty=$(calc "$q3 - $q2" 2)
	vm_empty=$(calc "$q4 - $q3" 2)
	# vmunit also records its own wall time (from reading the tree to the last result) in results.json.
	vm_inrun=$(node -e '
	  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
	  const q = r.tests.reduce((s, t) => s + t.durationMs, 0);
	  console.log(((r.elapsedMs - q) / r.tests.length).toFixed(1));' "$out/vmunit-quick/results.json")
	inrun() { node -e '
	  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
	  console.log(((r.elapsedMs - r.tests.reduce((s, t) => s + t.durationMs, 0)) / r.tests.length).toFixed(1));' "$1"; }
	vm_noqmp=$(inrun "$out/vmunit-noqmp/results.json")
	first=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).firstSpawnMs)' "$out/vmunit-quick/results.json")
	node_floor=$( { t0=$(now); node -e 0; t1=$(now); calc "($t1 - $t0) * 1000" 0; } )
fi

echo
echo "== results"
if [ "$phases" != overhead ]; then
printf 'tests compared:            %s (run_tests.sh) / %s (vmunit)\n' "$n" "$(wc -l <"$out/vm.txt")"
printf 'wall time run_tests.sh:    %s s\n' "$ref_s"
printf 'wall time vmunit:          %s s\n' "$vm_s"
goal=0.5
[[ $ACCEL == kvm* ]] && [ "${VMUNIT_FIRMWARE:-}" = auto ] && goal=0.45
printf 'wall-time ratio:           %s (vmunit / run_tests.sh, goal <= %s)\n' "$(calc "$vm_s / $ref_s")" "$goal"
[ -n "$fw_s" ] && printf 'wall time vmunit --firmware seabios on the tests %s booted otherwise: %s s\n' \
	"$VMUNIT_FIRMWARE" "$fw_s"
floor_ms=$(calc "($qemu_ms / $jobs > $longest_ms) ? $qemu_ms / $jobs : $longest_ms" 0)
printf 'QEMU time (sum, vmunit):   %s s; longest test %s %s s\n' \
	"$(calc "$qemu_ms / 1000" 1)" "$longest_name" "$(calc "$longest_ms / 1000" 1)"
printf 'lower bound at -j %s:       %s s = %s x run_tests.sh (the larger of the sum / %s and the longest test)\n' \
	"$jobs" "$(calc "$floor_ms / 1000" 1)" "$(calc "$floor_ms / 1000 / $ref_s")" "$jobs"
fi
if [ "$k" -gt 0 ]; then
	printf 'serial phase: %s quick tests at -j 1: run_tests.sh %s s, vmunit %s s (QEMU itself %s s)\n' \
		"$k" "$(calc "$q1 - $q0" 2)" "$(calc "$q2 - $q1" 2)" "$(calc "$quick_qemu_ms / 1000" 2)"
	printf 'start-up with no test selected: run_tests.sh %s s, vmunit %s s\n' "$ref_empty" "$vm_empty"
	printf 'per-test harness overhead, start-up excluded: run_tests.sh %s ms, vmunit %s ms (goal < 50 ms)\n' \
		"$ref_over_net" "$vm_over_net"
	printf 'per-test harness overhead, start-up spread over the %s tests: run_tests.sh %s ms, vmunit %s ms\n' \
		"$k" "$ref_over" "$vm_over"
	printf 'vmunit in-run overhead (its wall time minus QEMU time, per test, from results.json): %s ms (goal < 5 ms)\n' "$vm_inrun"
	printf '  the same without the QMP monitor (--wait-timeouts): %s ms; QMP run-state watch per test: %s ms\n' \
		"$vm_noqmp" "$(calc "$vm_inrun - $vm_noqmp" 1)"
	printf 'first QEMU spawned %s ms after vmunit started (results.json firstSpawnMs; node -e 0 took %s ms here; goal < 150 ms)\n' \
		"$first" "$node_floor"
fi
echo "load average at end: $(load)"
echo
[ "$phases" = overhead ] && exit 0
diff -u --label run_tests.sh --label vmunit "$out/ref.txt" "$out/vm.txt" >"$out/diff.txt" || true
node "$repo/bench/guest-suite/figures.mjs" "$out"
exit
}
