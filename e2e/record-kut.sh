#!/usr/bin/env bash
# End-to-end check of the run record and its reports on a real kvm-unit-tests build, under TCG, on a set
# with '#' check names, aborts and timeouts. run_tests.sh and `vmunit run` run the same tests side by side;
# then:
#   - vmunit's verdict lines (VERDICT name) equal run_tests.sh's;
#   - kunit.py (KUNIT_PY) parses vmunit's results.ktap with 0 errors, and its top-level statuses (kunit.py's
#     own parser, called as a library) are ok exactly where the verdict is PASS or SKIP;
#   - every FAIL has a failure in JUnit and KernelCI JSON, and every PASS has none;
#   - `vmunit report` reproduces junit.xml, kernelci.json and results.ktap byte for byte.
#
# usage: KUT_DIR=<built x86_64 kvm-unit-tests tree> [KUNIT_PY=…/tools/testing/kunit/kunit.py] \
#          e2e/record-kut.sh [work dir] [test…]
# KUT_DIR is only read: the tree is copied into the work dir (default: a new temp dir), where both tools
# write their logs. Exit status 0 only when everything matches.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
kut=${KUT_DIR:?set KUT_DIR to a built x86_64 kvm-unit-tests tree}
work=${1:-$(mktemp -d -t record-kut.XXXXXX)}
shift || true
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(setjmp xsave rdpru hypercall emulator msr x2apic vmexit_vmcall pmu ioapic sieve)
[ -f "$repo/dist/cli/main.js" ] || { echo "build first: npm run build" >&2; exit 2; }
vmunit() { node "$repo/bin/vmunit.js" "$@"; }

mkdir -p "$work"
work=$(cd "$work" && pwd)
rm -rf "$work/kut" "$work/vm" "$work/again"
cp -a "$kut" "$work/kut"
export ACCEL=tcg TIMEOUT=10s

echo "== run_tests.sh ${tests[*]}"
t0=$(date +%s%3N)
(cd "$work/kut" && ./run_tests.sh "${tests[@]}") > "$work/ref.txt" 2>&1 || true
t1=$(date +%s%3N)
echo "   $(((t1 - t0) / 1000)) s"
echo "== vmunit run ${tests[*]}"
vmunit run -C "$work/kut" --results "$work/vm" --format junit --format json --format ktap --format tap13 \
  "${tests[@]}" > "$work/vm.txt" 2> "$work/vm.err" || true
t2=$(date +%s%3N)
echo "   $(((t2 - t1) / 1000)) s; $(grep -o 'vmunit: .* in ' "$work/vm.err" | sed 's/ in $//')"

ok=1
check() { # check <what> <command…>: prints the verdict, remembers a failure
  local what=$1
  shift
  if "$@" > "$work/check.out" 2>&1; then echo "same:      $what"; else
    echo "DIFFERENT: $what"; head -30 "$work/check.out"; ok=0
  fi
}
# Colour codes and the text after the name differ in places (run_tests.sh's summary of a timeout); the
# verdict and name are what CI reads.
verdicts() { sed 's/\x1b\[[0-9;]*m//g' "$1" | grep -E '^(PASS|FAIL|SKIP) ' | awk '{print $1, $2}' | sort; }
check "verdict lines ($(verdicts "$work/ref.txt" | wc -l) tests)" diff <(verdicts "$work/ref.txt") <(verdicts "$work/vm.txt")
check "whole result lines" diff <(sed 's/\x1b\[[0-9;]*m//g' "$work/ref.txt" | grep -E '^(PASS|FAIL|SKIP) ' | sort) \
  <(grep -E '^(PASS|FAIL|SKIP) ' "$work/vm.txt" | sort)

check "JUnit and KernelCI JSON: a failure for every FAIL, none for a PASS" node --input-type=module -e '
  import { readFileSync } from "node:fs";
  const [dir, lines] = process.argv.slice(1);
  const verdict = new Map(readFileSync(lines, "utf8").split("\n").filter((l) => /^(PASS|FAIL|SKIP) /.test(l)).map((l) => [l.split(" ")[1], l.split(" ")[0]]));
  const junit = readFileSync(`${dir}/junit.xml`, "utf8");
  const json = JSON.parse(readFileSync(`${dir}/kernelci.json`, "utf8"));
  const failing = (g) => g.test_cases.some((c) => c.status === "FAIL" || c.status === "ERROR") || g.sub_groups.some(failing);
  let bad = 0;
  for (const [name, v] of verdict) {
    const block = new RegExp(`<testsuite name="${name}"[\\s\\S]*?</testsuite>|<testcase name="${name}"[^>]*/>|<testcase name="${name}"[^>]*>[\\s\\S]*?</testcase>`).exec(junit)?.[0] ?? "";
    const xmlFail = /<(failure|error)\b/.test(block);
    const group = json.sub_groups.find((g) => g.name === name);
    const jsonFail = group ? failing(group) : json.test_cases.some((c) => c.name === name && c.status !== "PASS" && c.status !== "SKIP");
    if (block === "" || xmlFail !== (v === "FAIL") || jsonFail !== (v === "FAIL")) {
      console.log(`${name}: verdict ${v}, junit failure ${xmlFail}, json failure ${jsonFail}`);
      bad++;
    }
  }
  console.log(`${verdict.size} tests checked`);
  process.exit(bad === 0 && verdict.size > 0 ? 0 : 1);
' "$work/vm" "$work/vm.txt"

if [ -n "${KUNIT_PY:-}" ]; then
  check "kunit.py parses results.ktap: 0 errors, top-level ok/not ok = verdicts" python3 -c '
import sys
sys.path.insert(0, sys.argv[1])
import kunit_parser
lines = open(sys.argv[2], errors="backslashreplace").read().splitlines()
test = kunit_parser.parse_run_tests(lines)
verdict = {l.split()[1]: l.split()[0] for l in open(sys.argv[3]) if l.split()[:1] in (["PASS"], ["FAIL"], ["SKIP"])}
ok_status = {"SUCCESS", "SKIPPED"}
bad = [t.name for t in test.subtests if (t.status.name in ok_status) != (verdict.get(t.name.replace("\uff03", "#")) in ("PASS", "SKIP"))]
print("kunit.py errors:", test.counts.errors, "mismatched:", bad, "tests:", len(test.subtests))
sys.exit(0 if test.counts.errors == 0 and not bad and len(test.subtests) == len(verdict) else 1)
' "$(dirname "$KUNIT_PY")" "$work/vm/results.ktap" "$work/vm.txt"
  check "kunit.py parse and vmunit parse: same summary" diff \
    <(python3 "$KUNIT_PY" parse "$work/vm/results.ktap" 2>&1 | grep -oE 'Testing complete.*|Failures:.*') \
    <(vmunit parse "$work/vm/results.ktap" 2>&1 | grep -oE 'Testing complete.*|Failures:.*')
else
  echo "skipped:   kunit.py checks (KUNIT_PY is not set)"
fi

mkdir -p "$work/again"
vmunit report "$work/vm" --format none --output "junit:$work/again/junit.xml" \
  --output "json:$work/again/kernelci.json" --output "ktap:$work/again/results.ktap" 2> "$work/report.err" || true
for f in junit.xml kernelci.json results.ktap; do
  check "vmunit report reproduces $f" cmp "$work/vm/$f" "$work/again/$f"
done
echo "work dir: $work"
[ "$ok" = 1 ]
