/**
 * `vmunit exec FILE [QEMU options…]`: kvm-unit-tests' `<arch>/run FILE …` (see src/guest/exec.ts). Options
 * after FILE go to QEMU untouched, so vmunit's own options must come before it.
 */

import { machine, release } from 'node:os';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { RunEvent } from '../../events/types.js';
import { execGuest } from '../../guest/exec.js';
import { kvmDeviceUsable } from '../../guest/qemu/accel.js';
import { QemuProber } from '../../guest/qemu/probe.js';
import type { Reporter } from '../../reporters/types.js';
import type { CliContext } from '../context.js';
import { recordWriter } from '../record-sink.js';
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
    .description("run one guest binary directly, like kvm-unit-tests' x86/run FILE [QEMU options...]")
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
      const record =
        flags.results === undefined || flags.dryRun
          ? undefined
          : recordWriter(ctx, resolve(ctx.cwd, flags.results), { producer: 'guest', name: file });
      try {
        setStatus(await execute(file, qemu, flags, ctx, record));
      } finally {
        await record?.close();
      }
    });
}

function execute(
  file: string,
  qemu: readonly string[],
  flags: ExecFlags,
  ctx: CliContext,
  record: Reporter | undefined,
): Promise<number> {
  return execGuest(
    {
      file,
      qemuArgs: qemu,
      ...(flags.directory === undefined ? {} : { treeDir: flags.directory }),
      ...(flags.arch === undefined ? {} : { arch: flags.arch }),
      dryRun: flags.dryRun === true,
      firmware: firmwareRequest(flags.firmware, ctx),
    },
    {
      cwd: ctx.cwd,
      env: ctx.env,
      out: (text) => ctx.stdout.write(text),
      err: (text) => ctx.stderr.write(text),
      prober: new QemuProber(),
      kvmDevice: kvmDeviceUsable(),
      machine: machine(),
      kernelRelease: release(),
      signal: ctx.signal,
      ...(record === undefined ? {} : { emit: (e: RunEvent) => record.onEvent(e) }),
    },
  );
}
