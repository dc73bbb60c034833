/**
 * `vmunit install [--prefix P] [--firmware F]`: kvm-unit-tests' `make install`: the standalone tests into
 * P/share/vmunit/tests/, plus P/share/vmunit/tests.json (see src/guest/install.ts).
 */

import { resolve } from 'node:path';
import type { Command } from 'commander';
import { treeDirFor } from '../../guest/tree.js';
import type { CliContext } from '../context.js';
import { addFirmwareOption, firmwareRequest } from './firmware-option.js';
import { addSliceOptions, type SliceFlags, sliceCfgNames } from './shard-options.js';

interface InstallFlags extends SliceFlags {
  readonly prefix: string;
  readonly directory?: string;
  readonly allowMissing?: boolean;
  readonly firmware?: string;
}

/** Registers `install`. */
export function register(program: Command, ctx: CliContext, setStatus: (code: number) => void): void {
  const cmd = program
    .command('install')
    .argument('[tests...]', 'test names (default: every entry)')
    .option('--prefix <dir>', 'installation prefix', '/usr/local')
    .option('-C, --directory <tree>', 'kvm-unit-tests tree with config.mak (default: search upward)')
    .option('--allow-missing', 'install a skip script (exit 2) for a test whose binary is missing');
  addSliceOptions(addFirmwareOption(cmd)).action(async (tests: string[], flags: InstallFlags) => {
    const treeDir = await treeDirFor(ctx.cwd, flags.directory);
    const sliced = await sliceCfgNames(treeDir, tests, flags, ctx);
    if (sliced?.length === 0) {
      ctx.stderr.write('vmunit: this shard has no tests; nothing installed\n');
      setStatus(0);
      return;
    }
    const { installTests } = await import('../../guest/install.js');
    const result = await installTests({
      prefix: resolve(ctx.cwd, flags.prefix),
      treeDir,
      names: sliced ?? tests,
      allowMissing: flags.allowMissing === true,
      generator: `vmunit ${ctx.version}`,
      firmware: firmwareRequest(flags.firmware, ctx),
    });
    ctx.stdout.write(`Installed ${result.entries.length} tests in ${result.dir}\n`);
    ctx.stdout.write(`Wrote ${result.manifest}\n`);
    setStatus(0);
  });
}
