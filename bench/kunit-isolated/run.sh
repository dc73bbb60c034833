#!/usr/bin/env bash
# Times `exec --run_isolated suite` of kunit.py and of vmunit on the same built kernel, side by side in one
# invocation, checks that the merged per-test results are identical every time, says where the time went
# (breakdown.mjs) and prints the speed ratio (goal under UML: vmunit ≥ 1.8× faster at 2 parallel boots).
# kunit.py boots one suite at a time; vmunit boots -j of them at once, each UML in its own scratch dir.
#
# usage: [ARCH=x86_64] [ROUNDS=3] bench/kunit-isolated/run.sh <linux tree> <built build dir> [jobs (2)] [filter_glob]
# The build dir must hold a kernel built by `kunit.py run|build` (or vmunit's) for ARCH (default um); its
# test.log is overwritten. The machine may be loaded by others: the two tools alternate which goes first in
# each of ROUNDS rounds, and the medians are reported. One cold vmunit run (no recorded boot times, no
# predicted listing) comes first and is reported too. vmunit is the built dist/ (npm run build);
# VMUNIT_DIST=0 runs the sources through tsx instead. Nothing is downloaded or built.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export VMUNIT_DIST=${VMUNIT_DIST:-1}
# shellcheck source=../../e2e/kunit-lib.sh
. "$here/../../e2e/kunit-lib.sh"

tree=$(cd "${1:?usage: run.sh <linux tree> <build dir> [jobs] [filter_glob]}" && pwd)
build_dir=$(cd "${2:?build dir}" && pwd)
jobs=${3:-2}
glob=${4:-}
arch=${ARCH:-um}
rounds=${ROUNDS:-3}
out=$(mktemp -d -t kunit-isolated.XXXXXX)
arch_args=()
if [ "$arch" = um ]; then
  [ -x "$build_dir/linux" ] || { echo "no UML kernel at $build_dir/linux" >&2; exit 2; }
else
  arch_args=(--arch="$arch")
fi
[ "$VMUNIT_DIST" = 0 ] || [ -f "$repo/dist/cli/main.js" ] || { echo "dist/ not built: npm run build" >&2; exit 2; }
cache="$build_dir/vmunit-isolated.json"

ref_run() { # ref_run <name>: kunit.py, its lines time-stamped as they arrive
  local t0
  t0=$(now_ms)
  (cd "$tree" && PYTHONUNBUFFERED=1 python3 tools/testing/kunit/kunit.py exec "${arch_args[@]}" \
    --build_dir="$build_dir" --run_isolated suite $glob 2>&1 || true) |
    node "$here/stamp.mjs" "$out/$1.txt" "$out/$1.stamps"
  echo "$t0 $(now_ms)" > "$out/$1.ms"
}

vm_run() { # vm_run <name>
  local t0
  t0=$(now_ms)
  vmunit kunit exec "${arch_args[@]}" --kernel_root "$tree" --build_dir="$build_dir" --run_isolated suite \
    -j "$jobs" $glob > "$out/$1.txt" 2>&1 || true
  echo "$t0 $(now_ms)" > "$out/$1.ms"
  cp "$cache" "$out/$1.cache.json"
}

wall() { read -r a b < "$out/$1.ms" && echo $((b - a)); }

same=1
compare() { # compare <name> <kunit.py run>: per-test statuses against kunit.py's in the same round
  statuses "$out/$1.txt" > "$out/$1.statuses"
  statuses "$out/$2.txt" > "$out/$2.statuses"
  if ! diff -u "$out/$2.statuses" "$out/$1.statuses" > "$out/$1.diff"; then
    echo "   $1: results DIFFERENT from kunit.py's $2 (see $out/$1.diff)"; head -20 "$out/$1.diff"; same=0
    # A boot killed at --timeout is the host (a QEMU that stalls under load), not a tool: say which.
    grep -H 'timed out after' "$out/$1.txt" "$out/$2.txt" | cut -c1-160 || true
  fi
}

echo "== $arch, -j $jobs, ${glob:-all suites}, $rounds rounds (outputs in $out)"
rm -f "$cache"
for r in $(seq 1 "$rounds"); do
  if [ $((r % 2)) = 1 ]; then ref_run "ref$r"; fi
  if [ "$r" = 1 ]; then
    statuses "$out/ref1.txt" > "$out/ref1.statuses"
    echo "kunit.py: $(tail -1 "$out/ref1.statuses")  ($(grep -c 'Starting KUnit Kernel' "$out/ref1.txt" || true) boots)"
    vm_run cold && compare cold ref1
    echo "-- cold vmunit (no recorded times, no predicted listing): $(node -e 'console.log((process.argv[1]/1000).toFixed(1))' "$(wall cold)") s"
  fi
  vm_run "vm$r"
  if [ $((r % 2)) = 0 ]; then ref_run "ref$r"; fi
  compare "vm$r" "ref$r"
  echo "-- round $r"
  read -r rs re < "$out/ref$r.ms"
  node "$here/breakdown.mjs" "$out/ref$r.stamps" "$rs" "$re" "$out/vm$r.cache.json" "$(wall "vm$r")"
  echo "$(wall "ref$r") $(wall "vm$r")" >> "$out/walls"
done
[ "$same" = 1 ] && echo "merged results: identical to kunit.py's in every round ($(($(wc -l < "$out/ref1.statuses") - 1)) tests)"
node -e '
  const rows = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => l.split(" ").map(Number));
  const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
  const sec = (ms) => `${(ms / 1000).toFixed(1)} s`;
  const ratios = rows.map(([k, v]) => k / v);
  console.log(`rounds (kunit.py / vmunit): ${rows.map(([k, v]) => `${sec(k)} / ${sec(v)} = ${(k / v).toFixed(2)}x`).join("; ")}`);
  console.log(`median: kunit.py ${sec(median(rows.map((r) => r[0])))}, vmunit -j '"$jobs"' ${sec(median(rows.map((r) => r[1])))}, ratio ${median(ratios).toFixed(2)}x (goal 1.8x under UML at -j2)`);
' "$out/walls"
[ "$same" = 1 ]
