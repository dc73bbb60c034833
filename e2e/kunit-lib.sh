# Shared by e2e/kunit-*.sh and bench/kunit-isolated/run.sh: how to call vmunit from this checkout.
# shellcheck shell=bash
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# vmunit <args…>: the built CLI when dist/ exists, else the sources through tsx (run from the repo so that
# tsx resolves; kernel paths are passed with --kernel_root).
vmunit() {
  if [ -f "$repo/dist/cli/main.js" ]; then
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
