#!/usr/bin/env bash
# Times `exec --run_isolated suite` of kunit.py and of vmunit on the same built kernel, one after the other
# in one invocation, checks that the merged per-test results are identical, and prints the speed ratio
# (goal: vmunit ≥ 1.8× faster at 2 parallel boots). kunit.py boots one suite at a time; vmunit boots
# -j of them at once, each UML instance in its own scratch dir.
#
# usage: bench/kunit-isolated/run.sh <linux tree> <built build dir> [jobs (default 2)] [filter_glob]
# The build dir must hold a kernel built by `kunit.py run`/`vmunit kunit run` (its test.log is overwritten).
# Nothing is downloaded or built.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../e2e/kunit-lib.sh
. "$here/../../e2e/kunit-lib.sh"

tree=$(cd "${1:?usage: run.sh <linux tree> <build dir> [jobs] [filter_glob]}" && pwd)
build_dir=$(cd "${2:?build dir}" && pwd)
jobs=${3:-2}
glob=${4:-}
out=$(mktemp -d -t kunit-isolated.XXXXXX)
[ -x "$build_dir/linux" ] || { echo "no UML kernel at $build_dir/linux" >&2; exit 2; }

echo "== kunit.py exec --run_isolated suite (one boot at a time)"
t0=$(now_ms)
(cd "$tree" && python3 tools/testing/kunit/kunit.py exec --build_dir="$build_dir" --run_isolated suite $glob) \
  > "$out/kunit.txt" 2>&1 || true
t1=$(now_ms)
# Cold: no boot durations recorded, suites start in list order. Warm: the durations the cold run recorded
# in <build_dir>/vmunit-boot-times.json let vmunit start the longest suites first (what every later run of
# a user gets). Both are reported.
rm -f "$build_dir/vmunit-boot-times.json"
echo "== vmunit kunit exec --run_isolated suite -j $jobs (cold: no recorded boot times)"
vmunit kunit exec --kernel_root "$tree" --build_dir="$build_dir" --run_isolated suite -j "$jobs" $glob \
  > "$out/vmunit-cold.txt" 2>&1 || true
t2=$(now_ms)
echo "== vmunit kunit exec --run_isolated suite -j $jobs (warm: longest suites first)"
vmunit kunit exec --kernel_root "$tree" --build_dir="$build_dir" --run_isolated suite -j "$jobs" $glob \
  > "$out/vmunit.txt" 2>&1 || true
t3=$(now_ms)

statuses "$out/kunit.txt" > "$out/kunit.statuses"
statuses "$out/vmunit.txt" > "$out/vmunit.statuses"
statuses "$out/vmunit-cold.txt" > "$out/vmunit-cold.statuses"
boots=$(grep -c 'Starting KUnit Kernel' "$out/kunit.txt" || true)
echo "kunit.py: $(tail -1 "$out/kunit.statuses")  ($boots boots)"
echo "vmunit:   $(tail -1 "$out/vmunit.statuses")"
if diff -u "$out/kunit.statuses" "$out/vmunit.statuses" > "$out/diff.txt" &&
  diff -u "$out/kunit.statuses" "$out/vmunit-cold.statuses" >> "$out/diff.txt"; then
  echo "merged results: identical ($(($(wc -l < "$out/kunit.statuses") - 1)) tests)"
  same=1
else
  echo "merged results: DIFFERENT (see $out/diff.txt)"; head -20 "$out/diff.txt"
  same=0
fi
node -e '
  const [k, cold, warm, jobs] = process.argv.slice(1).map(Number);
  const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
  console.log(`kunit.py ${s(k)}; vmunit -j ${jobs}: cold ${s(cold)} (${(k / cold).toFixed(2)}x), warm ${s(warm)} (${(k / warm).toFixed(2)}x faster; goal 1.8x)`);
' "$((t1 - t0))" "$((t2 - t1))" "$((t3 - t2))" "$jobs"
echo "outputs in $out"
[ "$same" = 1 ]
