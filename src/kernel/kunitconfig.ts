/**
 * Assembles the user's kunitconfig exactly as kunit.py does before any stage runs: `--alltests` prepends
 * all_tests.config, each `--kunitconfig` (a file, or a directory holding `.kunitconfig`) is merged in order
 * and a value set differently by two files is an error naming both, `--kconfig_add` entries override last.
 * With no `--kunitconfig`, `<build_dir>/.kunitconfig` is used, created from the tree's default.config.
 */

import { copyFile, mkdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { VmunitError } from '../util/errors.js';
import { conflictingOptions, formatEntry, type Kconfig, mergeKconfig, parseKconfig } from './kconfig.js';

/** Tree-relative locations kunit.py reads. */
export const TREE_PATHS = {
  defaultConfig: 'tools/testing/kunit/configs/default.config',
  allTestsConfig: 'tools/testing/kunit/configs/all_tests.config',
} as const;

export interface KunitconfigInput {
  readonly kernelRoot: string;
  readonly buildDir: string;
  /** `--kunitconfig` values in order, relative to the kernel root or absolute. */
  readonly paths: readonly string[];
  readonly alltests: boolean;
  /** `--kconfig_add` values (`CONFIG_X=y`). */
  readonly kconfigAdd: readonly string[];
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function readFragment(path: string): Promise<Kconfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new VmunitError('INPUT_NOT_FOUND', `Specified kunitconfig (${path}) does not exist`, { cause });
  }
  return parseKconfig(text, path);
}

/** `<build_dir>/.kunitconfig`, copied from the tree's default.config when missing. */
async function buildDirKunitconfig(input: KunitconfigInput): Promise<Kconfig> {
  const path = join(input.buildDir, '.kunitconfig');
  try {
    await stat(path);
  } catch {
    await mkdir(input.buildDir, { recursive: true });
    try {
      await copyFile(join(input.kernelRoot, TREE_PATHS.defaultConfig), path);
    } catch (cause) {
      throw new VmunitError(
        'INPUT_NOT_FOUND',
        `no ${TREE_PATHS.defaultConfig} in ${input.kernelRoot}: is this a Linux source tree?`,
        { cause },
      );
    }
  }
  return readFragment(path);
}

/** The merged kunitconfig of one invocation. */
export async function assembleKunitconfig(input: KunitconfigInput): Promise<Kconfig> {
  const paths = input.alltests ? [TREE_PATHS.allTestsConfig, ...input.paths] : [...input.paths];
  let merged: Kconfig;
  if (paths.length === 0) {
    merged = await buildDirKunitconfig(input);
  } else {
    merged = new Map();
    for (const given of paths) {
      let path = resolve(input.kernelRoot, given);
      if (await isDirectory(path)) path = join(path, '.kunitconfig');
      const partial = await readFragment(path);
      const diff = conflictingOptions(merged, partial);
      if (diff.length > 0) {
        const detail = diff
          .map(([a, b]) => `${formatEntry(a)}\n  vs from ${path}\n${formatEntry(b)}`)
          .join('\n\n');
        throw new VmunitError(
          'CONFIG_INVALID',
          `Multiple values specified for ${diff.length} options in kunitconfig:\n${detail}`,
        );
      }
      merged = mergeKconfig(merged, partial);
    }
  }
  if (input.kconfigAdd.length > 0) {
    merged = mergeKconfig(merged, parseKconfig(input.kconfigAdd.join('\n'), '--kconfig_add'));
  }
  return merged;
}
