#!/usr/bin/env bash
# Linux 6.12's kunit tool, the reference the KTAP, kernel and record tests compare with (test/requirements.ts):
# prints KUNIT_PY=…, LINUX_DIR=… (a partial tree: tools/testing/kunit, whose qemu_configs the profile tests
# read) and KCONFIG_CONF=… (kconfig's `conf`, built from the tree's scripts/kconfig). Installs Debian's
# linux-source-6.12 (and flex, bison) when missing and extracts only those folders into the user's cache,
# outside the repository: kernel code is never committed here. Safe to run again: a finished tree is reused.
set -euo pipefail
cache="${XDG_CACHE_HOME:-$HOME/.cache}/vmunit/linux-source-6.12"
tarball=/usr/src/linux-source-6.12.tar.xz
conf="$cache/scripts/kconfig/conf"
if [ ! -x "$conf" ]; then
  need=()
  [ -f "$tarball" ] || need+=(linux-source-6.12)
  command -v python3 >/dev/null || need+=(python3)
  command -v flex >/dev/null || need+=(flex)
  command -v bison >/dev/null || need+=(bison)
  command -v gcc >/dev/null || need+=(gcc)
  if [ "${#need[@]}" -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "linux-reference: installing ${need[*]}" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
  # Built beside the cache and renamed into place, so an interrupted run is never taken for a tree.
  mkdir -p "$(dirname "$cache")"
  tmp=$(mktemp -d "$(dirname "$cache")/.extract.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  echo "linux-reference: extracting kunit and kconfig from $tarball" >&2
  tar -xJf "$tarball" -C "$tmp" linux-source-6.12/tools/testing/kunit linux-source-6.12/scripts/kconfig \
    linux-source-6.12/scripts/include
  # conf alone, as kbuild's scripts/kconfig/Makefile builds it (the same flex and bison flags), without the
  # rest of kbuild, which would need the whole tree.
  (
    cd "$tmp/linux-source-6.12/scripts/kconfig"
    flex -o lexer.lex.c lexer.l
    bison -o parser.tab.c --defines=parser.tab.h -t -l parser.y
    gcc -O2 -I../include -I. -o conf conf.c confdata.c expr.c lexer.lex.c menu.c parser.tab.c preprocess.c \
      symbol.c util.c
  )
  rm -rf "$cache"
  mv "$tmp/linux-source-6.12" "$cache"
fi
echo "KUNIT_PY=$cache/tools/testing/kunit/kunit.py"
echo "LINUX_DIR=$cache"
echo "KCONFIG_CONF=$conf"
