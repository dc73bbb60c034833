#!/usr/bin/env bash
# Sharding end to end on a real kvm-unit-tests tree (KUT_DIR, configured and built; never written to):
#  1. one unsharded `vmunit run` (-j JOBS);
#  2. three shards as three parallel processes, each told its shard by GitLab's CI_NODE_INDEX/CI_NODE_TOTAL;
#  3. `vmunit merge` of the three records gives exactly the unsharded run's verdict lines;
#  4. merging without shard 2's record reports shard 2's tests as MISS (naming shard 2/3) and exits 1;
#  5. `vmunit compare` flags a test made to fail by a short timeout as the only regression (a small tree
#     view whose unittests.cfg gives that test `timeout = 1`; everything else is the real tree).
#
# usage: KUT_DIR=… e2e/shards-kut.sh [work dir]    (ACCEL defaults to tcg; JOBS to 2; TESTS to every test;
#        REUSE=1 skips steps 1–2 when the work dir already holds their results)
# Exit status 0 only when every check holds.
set -euo pipefail
# shellcheck source=./scale-lib.sh
. "$(dirname "$0")/scale-lib.sh"
jobs=${JOBS:-2}
read -r -a tests <<< "${TESTS:-}"
now() { date +%s.%N; }

if [ "${REUSE:-}" != 1 ] || [ ! -f "$work/whole/record.json" ]; then
  rm -rf "$work/whole" "$work"/shard[123]
  echo "== unsharded: vmunit run -j $jobs ${tests[*]:-(all)}"
  t0=$(now)
  vmunit run -C "$kut" -j "$jobs" --results "$work/whole" "${tests[@]}" > "$work/whole.out" 2> "$work/whole.err" || true
  t1=$(now)
  echo "   $(tail -1 "$work/whole.err"), wall $(awk "BEGIN{printf \"%.1f\", $t1-$t0}") s"
  echo "== three shards in parallel (CI_NODE_INDEX=1..3 CI_NODE_TOTAL=3, -j1 each)"
  for i in 1 2 3; do
    CI_NODE_INDEX=$i CI_NODE_TOTAL=3 vmunit run -C "$kut" -j 1 --results "$work/shard$i" "${tests[@]}" \
      > "$work/shard$i.out" 2> "$work/shard$i.err" &
  done
  wait || true
  t2=$(now)
  for i in 1 2 3; do echo "   shard $i: $(tail -1 "$work/shard$i.err")"; done
  echo "   wall $(awk "BEGIN{printf \"%.1f\", $t2-$t1}") s for the three shards"
fi

rm -rf "$work/merged" "$work/dropped"
vmunit merge "$work"/shard1 "$work"/shard2 "$work"/shard3 --results "$work/merged" > "$work/merged.out" \
  2> "$work/merged.err" && merge_rc=0 || merge_rc=$?
echo "== merge: exit $merge_rc; $(cat "$work/merged.err")"
check "merged verdict lines = unsharded verdict lines ($(lines "$work/whole.out" | wc -l) lines)" \
  diff <(lines "$work/whole.out") <(lines "$work/merged.out")
check "the shards' own result lines = unsharded ones" \
  diff <(lines "$work/whole.out") <(cat "$work"/shard[123].out | lines /dev/stdin)
check "merge exit status = unsharded run's" test "$merge_rc" = "$(grep -q '^FAIL ' "$work/whole.out" && echo 1 || echo 0)"

vmunit merge "$work/shard1" "$work/shard3" --results "$work/dropped" > "$work/dropped.out" 2> "$work/dropped.err" \
  && drop_rc=0 || drop_rc=$?
shard2=$(lines "$work/shard2.out" | awk '{print $2}' | sort)
missed=$(grep '^MISS ' "$work/dropped.out" | awk '{print $2}' | sort)
echo "== merge without shard 2: exit $drop_rc, $(grep -c '^MISS ' "$work/dropped.out") MISS"
check "dropping shard 2 exits 1" test "$drop_rc" = 1
check "the MISS tests are exactly shard 2's" test "$shard2" = "$missed"
check "every MISS names shard 2/3" bash -c "! grep '^MISS ' '$work/dropped.out' | grep -v '(missing from shard 2/3 (no record for that shard))'"

# A view of the tree: symlinks to everything, a copy of unittests.cfg where the slowest passing test under
# a minute gets `timeout = 1`.
victim=$(node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const t = r.tests.filter((t) => t.verdict === "PASS" && t.durationMs >= 3000 && t.durationMs < 60000)
    .sort((a, b) => b.durationMs - a.durationMs)[0];
  console.log(t ? t.name : "");' "$work/merged/record.json")
if [ -z "$victim" ]; then echo "FAILED: no passing test of 3–60 s to time out"; ok=0; else
  view="$work/tree-view"
  rm -rf "$view" && mkdir -p "$view/x86"
  for f in "$kut"/*; do [ "$(basename "$f")" = x86 ] || ln -s "$f" "$view/"; done
  for f in "$kut"/x86/*; do [ "$(basename "$f")" = unittests.cfg ] || ln -s "$f" "$view/x86/"; done
  awk -v t="[$victim]" '/^\[/ { inside = ($0 == t); print; if (inside) print "timeout = 1"; next }
    inside && /^timeout[ \t]*=/ { next } { print }' "$kut/x86/unittests.cfg" > "$view/x86/unittests.cfg"
  small=(setjmp "$victim" vmexit_cpuid)
  rm -rf "$work/cmp-base" "$work/cmp-new"
  vmunit run -C "$kut" --results "$work/cmp-base" "${small[@]}" > /dev/null 2>&1 || true
  vmunit run -C "$view" --results "$work/cmp-new" "${small[@]}" > /dev/null 2>&1 || true
  vmunit compare "$work/cmp-base" "$work/cmp-new" > "$work/compare.out" && cmp_rc=0 || cmp_rc=$?
  echo "== compare with $victim limited to 1 s: exit $cmp_rc"
  sed 's/^/   /' "$work/compare.out"
  check "compare exits 1" test "$cmp_rc" = 1
  check "$victim is the only regression" bash -c \
    "vmunit() { node '$repo/bin/vmunit.js' \"\$@\"; }; vmunit compare '$work/cmp-base' '$work/cmp-new' --format json |
     node -e 'const c = JSON.parse(require(\"fs\").readFileSync(0, \"utf8\"));
       process.exit(c.regressions.length === 1 && c.regressions[0].name === \"$victim\" ? 0 : 1)'"
fi

echo "results in $work"
[ "$ok" = 1 ] && echo "shards-kut: all checks passed" || { echo "shards-kut: FAILED"; exit 1; }
