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
