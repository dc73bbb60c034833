# Shared by e2e/kunit-*.sh and bench/kunit-isolated/run.sh: how to call vmunit from this checkout.
# shellcheck shell=bash
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# vmunit <args…>: this checkout's sources through tsx (a dist/ build may be stale), run from the repo so
# that tsx resolves (kernel paths are passed with --kernel_root). VMUNIT_DIST=1 uses the built dist/.
vmunit() {
  if [ "${VMUNIT_DIST:-0}" = 1 ]; then
    node "$repo/bin/vmunit.js" "$@"
  else
    (cd "$repo" && node --import tsx --input-type=module \
      -e "const m = await import('./src/cli/main.ts'); process.exitCode = await m.main(['node', 'vmunit', ...process.argv.slice(1)]);" \
      -- "$@")
  fi
}

# statuses <console output file>: per-test statuses and summed counts (see bench/kunit-isolated/statuses.mjs).
statuses() {
  node "$repo/bench/kunit-isolated/statuses.mjs" < "$1"
}

# now_ms: wall clock in milliseconds.
now_ms() {
  date +%s%3N
}
# tool <ref|vmunit> <subcommand> <args…>: kunit.py of the tree in $tree, run from its root as kunit.py
# wants, or vmunit on the same tree.
tool() {
  local which=$1 sub=$2
  shift 2
  if [ "$which" = ref ]; then
    (cd "$tree" && python3 tools/testing/kunit/kunit.py "$sub" "$@")
  else
    vmunit kunit "$sub" --kernel_root "$tree" "$@"
  fi
}

# check <what> <command…>: prints whether the command (a diff, a test) passed; a failure sets ok=0 and
# shows the start of its output (kept in $work/check.out).
check() {
  local what=$1
  shift
  if "$@" > "$work/check.out" 2>&1; then echo "same:      $what"; else
    echo "DIFFERENT: $what"; head -20 "$work/check.out"; ok=0
  fi
}
