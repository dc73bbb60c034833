/**
 * `vmunit exec FILE [QEMU options…]`: kvm-unit-tests' `<arch>/run FILE …` (see src/guest/exec.ts). Options
 * after FILE go to QEMU untouched, so vmunit's own options must come before it.
 */

import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { ExecRequest, ExecSinks } from '../../guest/exec.js';
import type { CliContext } from '../context.js';
import { addFirmwareOption, firmwareRequest } from './firmware-option.js';

interface ExecFlags {
  readonly directory?: string;
  readonly arch?: string;
  readonly dryRun?: boolean;
  readonly results?: string;
  readonly firmware?: string;
}

/** Registers `exec`. */
export function register(program: Command, ctx: CliContext, setStatus: (code: number) => void): void {
  // QEMU options after FILE must not be parsed as vmunit options; commander needs this on the parent.
  program.enablePositionalOptions();
  const cmd = program
    .command('exec')
    .argument('<file>', 'guest binary (x86/msr.flat)')
    .argument('[qemu...]', 'extra QEMU arguments, placed after -kernel FILE')
    .option('-C, --directory <tree>', 'kvm-unit-tests tree with config.mak (default: search upward)')
    .option('--arch <arch>', 'config.mak ARCH when there is no tree (default: from the ELF header)')
    .option('--dry-run', 'print the QEMU command line instead of running it')
    .option('--results <dir>', 'keep the run record (events.jsonl, record.json) in this folder');
  addFirmwareOption(cmd)
    .passThroughOptions()
    .allowUnknownOption()
    .action(async (file: string, qemu: string[], flags: ExecFlags) => {
      // The runner and the record writer load when a guest runs, not for `exec --help` (start-up).
      const [{ execGuest }, { recordWriter }] = await Promise.all([
        import('../../guest/exec.js'),
        import('../record-sink.js'),
      ]);
      const sinks = execSinks(file, flags, ctx, recordWriter);
      setStatus(await execGuest(execRequest(file, qemu, flags, ctx), { signal: ctx.signal, sinks }));
    });
}

/** The flags as execGuest's typed request. */
function execRequest(file: string, qemu: readonly string[], flags: ExecFlags, ctx: CliContext): ExecRequest {
  return {
    file,
    qemuArgs: qemu,
    ...(flags.directory === undefined ? {} : { treeDir: flags.directory }),
    ...(flags.arch === undefined ? {} : { arch: flags.arch }),
    dryRun: flags.dryRun === true,
    firmware: firmwareRequest(flags.firmware, ctx),
    cwd: ctx.cwd,
    env: ctx.env,
  };
}

/** The run script's lines on stdout/stderr as they come, and with --results the run record. */
function execSinks(
  file: string,
  flags: ExecFlags,
  ctx: CliContext,
  recordWriter: typeof import('../record-sink.js').recordWriter,
): ExecSinks {
  const results = flags.results;
  return {
    ...(results === undefined
      ? {}
      : { open: () => recordWriter(ctx, resolve(ctx.cwd, results), { producer: 'guest', name: file }) }),
    print: (line) => ctx.stdout.write(`${line}\n`),
    note: (line) => ctx.stderr.write(`${line}\n`),
  };
}
