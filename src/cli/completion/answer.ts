/**
 * The answers of `vmunit __complete WORDS…`: candidates from the command tree, the kvm-unit-tests tree's
 * cfg and kunit's suite cache. Loaded only by `__complete`, so `vmunit completion bash` stays light.
 */

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { parseUnittestsCfg } from '../../guest/cfg/parse.js';
import { readTreeConfig } from '../../guest/config-mak.js';
import { knownGroups } from '../../guest/selection-check.js';
import { treeDirFor } from '../../guest/tree.js';
import { REPORTER_FORMATS } from '../../reporters/registry.js';
import { buildKunitProgram, defaultBuildDir } from '../commands/kunit-options.js';
import { RUN_FORMATS } from '../commands/run-output.js';
import type { CliContext } from '../context.js';
import { type CompletionSources, complete, modelOf } from './complete.js';
import { FILES_MARK } from './scripts.js';

/** kunit's suite cache in a build dir (written by `vmunit kunit … --list_suites`). */
const SUITE_CACHE = '.vmunit-suites';

function lines(path: string): string[] {
  try {
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => l !== '');
  } catch {
    return [];
  }
}

/** Test names and groups from the tree's cfg; nothing when there is no tree (completion never fails). */
async function treeSpecs(ctx: CliContext, dir: string | undefined) {
  try {
    const tree = await readTreeConfig(await treeDirFor(ctx.cwd, dir));
    const cfg = join(tree.dir, tree.testDir, 'unittests.cfg');
    return parseUnittestsCfg(readFileSync(cfg, 'utf8'), cfg);
  } catch {
    return [];
  }
}

function sourcesFor(ctx: CliContext): CompletionSources {
  return {
    tests: async (dir) => (await treeSpecs(ctx, dir)).map((s) => s.name),
    groups: async (dir) => knownGroups(await treeSpecs(ctx, dir)),
    suites: (buildDir) => lines(join(resolve(ctx.cwd, buildDir ?? defaultBuildDir(ctx.env)), SUITE_CACHE)),
    formats: (command) => (command === 'run' ? Object.keys(RUN_FORMATS) : [...REPORTER_FORMATS, 'none']),
  };
}

/** `program` is the root with every command registered (the command table loads them all for completion). */
export async function answer(program: Command, words: readonly string[], ctx: CliContext): Promise<string> {
  const kunit = buildKunitProgram(ctx.env, async () => undefined, { writeOut: () => {}, writeErr: () => {} });
  const result = await complete(modelOf(program, { kunit }), words, sourcesFor(ctx));
  return result.kind === 'files' ? `${FILES_MARK}\n` : result.words.map((w) => `${w}\n`).join('');
}
