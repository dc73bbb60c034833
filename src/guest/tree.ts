/**
 * Finding and reading a kvm-unit-tests tree: the folder a command works on (`-C`, else upward from the
 * current folder), its config.mak and its unittests.cfg. Apart from the runner so that `vmunit run -l`,
 * `standalone` and completion read a tree without loading the code that runs one.
 */

import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { readInputFile } from '../util/read-input.js';
import { parseUnittestsCfg } from './cfg/parse.js';
import type { GuestTestSpec } from './cfg/spec.js';
import { readTreeConfig, type TreeConfig } from './config-mak.js';
import { archProfile } from './qemu/arch/index.js';
import type { GuestArchProfile } from './qemu/arch/types.js';
import { checkTestNames } from './selection-check.js';

/** The nearest directory at or above `start` that holds a config.mak, or undefined. */
export async function findTreeUpward(start: string): Promise<string | undefined> {
  let dir = resolve(start);
  for (;;) {
    const found = await stat(join(dir, 'config.mak')).then(
      (s) => s.isFile(),
      () => false,
    );
    if (found) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * The tree a command works on: `-C DIR` (against `cwd`) when given, else the nearest folder upward from
 * `cwd` with a config.mak, else `cwd` itself (whose missing config.mak is then reported).
 */
export async function treeDirFor(cwd: string, directory: string | undefined): Promise<string> {
  if (directory !== undefined) return resolve(cwd, directory);
  return (await findTreeUpward(cwd)) ?? resolve(cwd);
}

/** A tree and its parsed unittests.cfg. */
export interface LoadedTree {
  readonly tree: TreeConfig;
  readonly profile: GuestArchProfile;
  readonly cfgFile: string;
  readonly specs: readonly GuestTestSpec[];
}

/**
 * Reads config.mak and unittests.cfg. Lines run_tests.sh silently ignores (unknown keys, typos) become
 * notes; a test name that is not in the cfg is an error (run_tests.sh would run nothing and exit 0).
 */
export async function loadTree(
  dir: string,
  tests: readonly string[],
  note: (line: string) => void,
): Promise<LoadedTree> {
  const tree = await readTreeConfig(dir);
  const profile = archProfile(tree.arch);
  const cfgFile = join(tree.dir, tree.testDir, 'unittests.cfg');
  const specs = parseUnittestsCfg(await readInputFile(cfgFile), cfgFile, {
    onWarning: (w) => note(`vmunit: warning: ${w.file}:${w.line}: ${w.message}`),
  });
  checkTestNames(specs, tests, cfgFile);
  return { tree, profile, cfgFile, specs };
}
