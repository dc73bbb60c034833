/**
 * Where `vmunit new` puts a test: the user's project, never the SDK it builds against nor node_modules
 * (the next `npm install` would lose it). A project is a folder holding NAME.c files and the cfg that
 * `vmunit new` wrote; the cfg's first line (NEW_CFG_HEADER) is how `new` knows the folder is its own and
 * not, say, a kvm-unit-tests tree's x86/.
 */

import { join, resolve, sep } from 'node:path';
import { VmunitError } from '../util/errors.js';

/** First line of every cfg `vmunit new` creates: its mark of ownership. */
export const NEW_CFG_HEADER =
  '# Guest tests in kvm-unit-tests unittests.cfg format; built by the vmunit guest SDK Makefile.\n';

/** The folder `vmunit new` creates when no project is found or given. */
export const DEFAULT_PROJECT = 'tests';

/** True when a cfg's text was written by `vmunit new`. Pure. */
export function ownsCfg(text: string): boolean {
  return text.startsWith(NEW_CFG_HEADER);
}

/**
 * The project folder for a new test: `dir` (against `cwd`) when given; else the nearest folder from `cwd`
 * upward with one of `cfgNames` that `new` owns; else `cwd/tests`. `read` returns a file's text or
 * undefined, so this stays pure.
 * @throws VmunitError `USAGE` when the folder is inside node_modules.
 */
export function projectDir(
  cwd: string,
  dir: string | undefined,
  cfgNames: readonly string[],
  read: (path: string) => string | undefined,
): string {
  const found = dir === undefined ? ownedAbove(cwd, cfgNames, read) : resolve(cwd, dir);
  const chosen = found ?? resolve(cwd, DEFAULT_PROJECT);
  if (chosen.split(sep).includes('node_modules')) {
    throw new VmunitError(
      'USAGE',
      `refusing to write into ${chosen}: files under node_modules are lost on the next install (give --dir DIR in your project)`,
    );
  }
  return chosen;
}

function ownedAbove(
  cwd: string,
  cfgNames: readonly string[],
  read: (path: string) => string | undefined,
): string | undefined {
  for (let dir = resolve(cwd); ; dir = resolve(dir, '..')) {
    if (dir.split(sep).at(-1) === 'node_modules') return undefined;
    if (cfgNames.some((name) => ownsCfg(read(join(dir, name)) ?? ''))) return dir;
    if (resolve(dir, '..') === dir) return undefined;
  }
}

/**
 * The Makefile a new project gets: `make` there builds its tests with the SDK `vmunit new` used (its path
 * is written in, as VMUNIT_SDK, overridable), `make ARCH=i386` or `ARCH=arm64` those arches' ones. Pure.
 */
export function makefileStub(sdkDir: string): string {
  return `# Builds the guest tests of this folder (NAME.c, each named in unittests.cfg, or unittests.<arch>.cfg
# for ARCH=i386 or arm64) with vmunit's guest SDK; written by \`vmunit new\`. Run them: vmunit run -C build
VMUNIT_SDK ?= ${sdkDir.replace(/\/$/, '')}
ARCH ?= x86_64
O ?= $(CURDIR)/build$(if $(filter x86_64,$(ARCH)),,/$(ARCH))

all clean:
\t$(MAKE) -C $(VMUNIT_SDK) --no-print-directory ARCH=$(ARCH) TESTS_DIR=$(CURDIR) O=$(O) $@

.PHONY: all clean
`;
}
