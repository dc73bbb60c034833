# shellcheck shell=bash
# Shared by e2e/shards-kut.sh and e2e/gitlab-ci-local.sh (sourced): the work dir, vmunit from this
# checkout's dist/, sorted result lines, and check(), which prints a verdict and remembers a failure.
# Expects: $1 = work dir (optional), KUT_DIR.
kut=$(cd "${KUT_DIR:?set KUT_DIR to a configured and built kvm-unit-tests tree}" && pwd)
work=${1:-$(mktemp -d -t vmunit-e2e.XXXXXX)}
mkdir -p "$work"
work=$(cd "$work" && pwd)
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export ACCEL=${ACCEL:-tcg}
vmunit() { node "$repo/bin/vmunit.js" "$@"; }
lines() { grep -E '^(PASS|FAIL|SKIP|MISS) ' "$1" | sed -e 's/\x1b\[[0-9;]*m//g' | sort; }
ok=1
check() { # check <what> <command…>
  local what=$1
  shift
  if "$@" > "$work/check.out" 2>&1; then echo "ok:     $what"; else
    echo "FAILED: $what"; head -20 "$work/check.out"; ok=0
  fi
}
