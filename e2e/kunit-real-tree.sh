#!/usr/bin/env bash
# End-to-end check of `vmunit kunit run` against kunit.py on a real Linux tree (UML, default kunitconfig):
# both tools configure, build and run in their own build dirs, then the generated .config files, the
# per-test statuses (from both tools' --json) and the summary counts must be identical.
#
# usage: e2e/kunit-real-tree.sh <linux tree> [work dir] [jobs]
#   work dir (default: a new temp dir) holds kunit-ref/ (kunit.py) and kunit-vmunit/ (vmunit); reusing one
#   makes both builds incremental. Building twice from scratch takes ~2×15 min on 2 cores.
# Nothing is downloaded. Exit status 0 only when everything matches.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=./kunit-lib.sh
. "$here/kunit-lib.sh"

tree=$(cd "${1:?usage: kunit-real-tree.sh <linux tree> [work dir] [jobs]}" && pwd)
work=${2:-$(mktemp -d -t kunit-e2e.XXXXXX)}
jobs=${3:-$(nproc)}
mkdir -p "$work"
work=$(cd "$work" && pwd)
[ -f "$tree/tools/testing/kunit/kunit.py" ] || { echo "$tree has no tools/testing/kunit/kunit.py" >&2; exit 2; }

echo "== kunit.py run --build_dir=$work/kunit-ref --jobs=$jobs"
t0=$(now_ms)
(cd "$tree" && python3 tools/testing/kunit/kunit.py run --build_dir="$work/kunit-ref" --jobs="$jobs" \
  --json="$work/kunit-ref.json") > "$work/kunit-ref.txt" 2>&1 && ref_rc=0 || ref_rc=$?
t1=$(now_ms)
echo "   exit $ref_rc, $(((t1 - t0) / 1000)) s; $(grep -o 'Elapsed time: .*' "$work/kunit-ref.txt" | tail -1)"

echo "== vmunit kunit run --build_dir=$work/kunit-vmunit --jobs=$jobs"
vmunit kunit run --kernel_root "$tree" --build_dir="$work/kunit-vmunit" --jobs="$jobs" \
  --json="$work/kunit-vmunit.json" > "$work/kunit-vmunit.txt" 2>&1 && vm_rc=0 || vm_rc=$?
t2=$(now_ms)
echo "   exit $vm_rc, $(((t2 - t1) / 1000)) s; $(grep -o 'Elapsed time: .*' "$work/kunit-vmunit.txt" | tail -1)"

ok=1
check "exit status ($ref_rc)" test "$ref_rc" = "$vm_rc"
check ".config" diff <(grep -v '^#' "$work/kunit-ref/.config" | sort) <(grep -v '^#' "$work/kunit-vmunit/.config" | sort)
check "summary line" diff <(grep -o 'Testing complete.*' "$work/kunit-ref.txt") <(grep -o 'Testing complete.*' "$work/kunit-vmunit.txt")
# shellcheck disable=SC2016
json_rows='
  const walk = (g, path, out) => {
    for (const c of g.test_cases) out.push(`${[...path, c.name].join(".")} ${c.status}`);
    for (const s of g.sub_groups) walk(s, [...path, s.name], out);
    return out;
  };
  const rows = walk(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")), [], []).sort();
  console.log(rows.join("\n"));'
node -e "$json_rows" "$work/kunit-ref.json" > "$work/kunit-ref.rows"
node -e "$json_rows" "$work/kunit-vmunit.json" > "$work/kunit-vmunit.rows"
check "per-test statuses ($(wc -l < "$work/kunit-ref.rows") tests, JSON)" diff "$work/kunit-ref.rows" "$work/kunit-vmunit.rows"
statuses "$work/kunit-ref.txt" > "$work/kunit-ref.statuses"
statuses "$work/kunit-vmunit.txt" > "$work/kunit-vmunit.statuses"
check "per-test statuses (console)" diff "$work/kunit-ref.statuses" "$work/kunit-vmunit.statuses"
echo "counts: $(tail -1 "$work/kunit-vmunit.statuses")"

# QEMU side, without building an x86_64 kernel: `config --arch=x86_64` must give the same .config and
# last_used_kunitconfig, and `exec` the same QEMU command line and messages (the missing image boots nothing).
for which in ref vmunit; do
  bd="$work/kunit-x86-$which"
  rm -rf "$bd"
  tool "$which" config --arch=x86_64 --build_dir="$bd" > "$bd.config.txt" 2>&1 || true
  tool "$which" exec --arch=x86_64 --build_dir="$bd" --timeout=60 --qemu_args='-smp 2' --kernel_args=a=1 'ex*' \
    > "$bd.exec.txt" 2>&1 || true
done
norm() { sed -E 's/^\[..:..:..\] //; s/Elapsed time: .*/Elapsed time: …/; s#kunit-x86-(ref|vmunit)#kunit-x86-X#g' "$1"; }
check "x86_64 .config" diff <(grep -v '^#' "$work/kunit-x86-ref/.config" | sort) <(grep -v '^#' "$work/kunit-x86-vmunit/.config" | sort)
check "x86_64 last_used_kunitconfig" diff "$work/kunit-x86-ref/last_used_kunitconfig" "$work/kunit-x86-vmunit/last_used_kunitconfig"
check "x86_64 exec output (QEMU argv)" diff <(norm "$work/kunit-x86-ref.exec.txt") <(norm "$work/kunit-x86-vmunit.exec.txt")
echo "outputs in $work"
[ "$ok" = 1 ]
