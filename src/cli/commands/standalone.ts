/**
 * `vmunit standalone [TEST…] -o DIR`: kvm-unit-tests' `make standalone` / `scripts/mkstandalone.sh`: one
 * self-contained bash script per unittests.cfg entry (see src/guest/standalone/).
 */

import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { StandaloneRequest } from '../../guest/standalone/build.js';
import { treeDirFor } from '../../guest/tree.js';
import type { CliContext } from '../context.js';
import { addFirmwareOption, firmwareRequest } from './firmware-option.js';
import { addSliceOptions, type SliceFlags, sliceCfgNames } from './shard-options.js';

interface StandaloneFlags extends SliceFlags {
  readonly output?: string;
  readonly directory?: string;
  readonly allowMissing?: boolean;
  readonly firmware?: string;
}

/** Registers `standalone`. */
export function register(program: Command, ctx: CliContext, setStatus: (code: number) => void): void {
  const cmd = program
    .command('standalone')
    .argument('[tests...]', 'test names (default: every entry)')
    .option('-o, --output <dir>', 'output folder (default: TREE/tests, where make standalone writes)')
    .option('-C, --directory <tree>', 'kvm-unit-tests tree with config.mak (default: search upward)')
    .option(
      '--allow-missing',
      'write a skip script (exit 2) for a test whose binary is missing, as upstream',
    );
  addSliceOptions(addFirmwareOption(cmd)).action(async (tests: string[], flags: StandaloneFlags) => {
    const treeDir = await treeDirFor(ctx.cwd, flags.directory);
    const sliced = await sliceCfgNames(treeDir, tests, flags, ctx);
    if (sliced?.length === 0) {
      ctx.stderr.write('vmunit: this shard has no tests; nothing written\n');
      setStatus(0);
      return;
    }
    const request: StandaloneRequest = {
      treeDir,
      names: sliced ?? tests,
      outDir: flags.output === undefined ? resolve(treeDir, 'tests') : resolve(ctx.cwd, flags.output),
      allowMissing: flags.allowMissing === true,
      generator: `vmunit ${ctx.version}`,
      firmware: firmwareRequest(flags.firmware, ctx),
    };
    const sinks = { print: (line: string) => ctx.stdout.write(`${line}\n`) };
    const { writeStandaloneTests } = await import('../../guest/standalone/build.js');
    const entries = await writeStandaloneTests(request, { signal: ctx.signal, sinks });
    if (entries.length === 0) ctx.stderr.write('vmunit: unittests.cfg has no entries; nothing written\n');
    setStatus(0);
  });
}
