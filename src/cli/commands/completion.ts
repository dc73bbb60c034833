/**
 * `vmunit completion bash|zsh|fish` prints a completion script; the hidden `vmunit __complete -- WORDS…`
 * answers it. The model is the whole commander program (the command table registers every command for
 * these two; kunit's inner program is built here), so completion always matches the CLI.
 */

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { parseUnittestsCfg } from '../../guest/cfg/parse.js';
import { readTreeConfig } from '../../guest/config-mak.js';
import { treeDirFor } from '../../guest/exec.js';
import { knownGroups } from '../../guest/selection-check.js';
import { REPORTER_FORMATS } from '../../reporters/registry.js';
import { VmunitError } from '../../util/errors.js';
import { type CompletionSources, complete, modelOf } from '../completion/complete.js';
import { COMPLETION_SCRIPTS, FILES_MARK } from '../completion/scripts.js';
import type { CliContext } from '../context.js';
import { buildKunitProgram, defaultBuildDir } from './kunit-options.js';
import { RUN_FORMATS } from './run-output.js';

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
async function answer(program: Command, words: readonly string[], ctx: CliContext): Promise<string> {
  const kunit = buildKunitProgram(ctx.env, async () => undefined, { writeOut: () => {}, writeErr: () => {} });
  const result = await complete(modelOf(program, { kunit }), words, sourcesFor(ctx));
  return result.kind === 'files' ? `${FILES_MARK}\n` : result.words.map((w) => `${w}\n`).join('');
}

/** Registers `completion` and the hidden `__complete`. */
export function register(program: Command, ctx: CliContext, setStatus: (code: number) => void): void {
  program
    .command('completion')
    .argument('<shell>', `bash, zsh or fish`)
    .action((shell: string) => {
      const script = COMPLETION_SCRIPTS[shell];
      if (script === undefined) {
        const known = Object.keys(COMPLETION_SCRIPTS).join(', ');
        throw new VmunitError('USAGE', `no completion for shell '${shell}' (known: ${known})`);
      }
      ctx.stdout.write(script);
      setStatus(0);
    });
  program
    .command('__complete', { hidden: true })
    .argument('[words...]')
    .allowUnknownOption()
    .action(async (words: string[]) => {
      ctx.stdout.write(await answer(program, words, ctx));
      setStatus(0);
    });
}
