#!/usr/bin/env bash
# Runs docs/ci/.gitlab-ci.yml for real with gitlab-ci-local 4.55.0 from npm (--shell-isolation: shell
# executor, no Docker; 4.55.0 is the last release that runs on Node 20): four `parallel:` clones of the
# test job, then the merge job. Then checks that the merged record equals an unsharded `vmunit run` of the
# same tests (same verdict lines; `vmunit compare` finds nothing), that JUnit and KCIDB were written, and
# that the KCIDB document names the origin.
#
# usage: KUT_DIR=… e2e/gitlab-ci-local.sh [work dir]   (TESTS: test names, default a quick set; ACCEL=tcg)
set -euo pipefail
# shellcheck source=./scale-lib.sh
. "$(dirname "$0")/scale-lib.sh"
tests=${TESTS:-setjmp smptest vmexit_cpuid tsc hypercall rmap_chain tsc_adjust umip}

project="$work/project"
rm -rf "$project" "$work/whole" "$work/remerged"
mkdir -p "$project"
cp "$repo/docs/ci/.gitlab-ci.yml" "$project/"
git -C "$project" init -q
git -C "$project" -c user.email=ci@example.org -c user.name=ci add .gitlab-ci.yml
git -C "$project" -c user.email=ci@example.org -c user.name=ci commit -qm pipeline

echo "== gitlab-ci-local 4.55.0 --shell-isolation (tests: $tests)"
(cd "$project" && npx -y gitlab-ci-local@4.55.0 --shell-isolation \
  --variable "KUT_DIR=$kut" --variable "VMUNIT=node $repo/bin/vmunit.js" --variable "KUT_TESTS=$tests" \
  --variable "ACCEL=$ACCEL") > "$work/pipeline.log" 2>&1 && pipe_rc=0 || pipe_rc=$?
echo "   exit $pipe_rc; log in $work/pipeline.log"
grep -E 'kvm-unit-tests|merge' "$work/pipeline.log" | grep -E 'finished|failed|succeeded|warning' | tail -8 | sed 's/^/   /' || true

echo "== unsharded: vmunit run $tests"
# shellcheck disable=SC2086 # a list of test names
vmunit run -C "$kut" --results "$work/whole" $tests > "$work/whole.out" 2> "$work/whole.err" || true

merged="$project/results/merged"
check "the pipeline wrote the merged record" test -f "$merged/record.json"
check "the merge saw four shards" grep -q '"merged-shards": "1/4 2/4 3/4 4/4"' "$merged/record.json"
vmunit merge "$merged" --results "$work/remerged" > "$work/merged.out" 2> /dev/null || true
check "merged verdict lines = unsharded verdict lines" diff <(lines "$work/whole.out") <(lines "$work/merged.out")
check "vmunit compare finds no difference" bash -c "node '$repo/bin/vmunit.js' compare '$work/whole' '$merged' --format json |
  node -e 'const c = JSON.parse(require(\"fs\").readFileSync(0, \"utf8\"));
    const n = c.regressions.length + c.fixes.length + c.added.length + c.vanished.length + c.changed.length;
    process.exit(n === 0 ? 0 : 1)'"
check "GitLab's JUnit report was written" grep -q '<testsuite' "$merged/junit.xml"
check "the KCIDB document names the origin" grep -q '"origin": "vmunit_ci"' "$merged/kcidb.json"

echo "results in $work"
[ "$ok" = 1 ] && echo "gitlab-ci-local: all checks passed" || { echo "gitlab-ci-local: FAILED"; exit 1; }
