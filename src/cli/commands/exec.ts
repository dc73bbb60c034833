/**
 * `vmunit exec FILE [QEMU options…]`: kvm-unit-tests' `<arch>/run FILE …` (see src/guest/exec.ts). Options
 * after FILE go to QEMU untouched, so vmunit's own options must come before it.
 */

import { machine, release } from 'node:os';
import type { Command } from 'commander';
import { execGuest } from '../../guest/exec.js';
import { kvmDeviceUsable } from '../../guest/qemu/accel.js';
import { QemuProber } from '../../guest/qemu/probe.js';
import type { CliContext } from '../context.js';

interface ExecFlags {
  readonly directory?: string;
  readonly arch?: string;
  readonly dryRun?: boolean;
}

/** Registers `exec`. */
export function register(program: Command, ctx: CliContext, setStatus: (code: number) => void): void {
  // QEMU options after FILE must not be parsed as vmunit options; commander needs this on the parent.
  program.enablePositionalOptions();
  program
    .command('exec')
    .description("run one guest binary directly, like kvm-unit-tests' x86/run FILE [QEMU options...]")
    .argument('<file>', 'guest binary (x86/msr.flat)')
    .argument('[qemu...]', 'extra QEMU arguments, placed after -kernel FILE')
    .option('-C, --directory <tree>', 'kvm-unit-tests tree with config.mak (default: search upward)')
    .option('--arch <arch>', 'config.mak ARCH when there is no tree (default: from the ELF header)')
    .option('--dry-run', 'print the QEMU command line instead of running it')
    .passThroughOptions()
    .allowUnknownOption()
    .action(async (file: string, qemu: string[], flags: ExecFlags) => {
      const status = await execGuest(
        {
          file,
          qemuArgs: qemu,
          ...(flags.directory === undefined ? {} : { treeDir: flags.directory }),
          ...(flags.arch === undefined ? {} : { arch: flags.arch }),
          dryRun: flags.dryRun === true,
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
        },
      );
      setStatus(status);
    });
}
