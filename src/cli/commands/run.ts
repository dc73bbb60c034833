/**
 * `vmunit run [TEST...]`: run_tests.sh for a configured and built kvm-unit-tests tree, with the same
 * options, environment variables, result lines and logs folder, plus per-check results, an exit status
 * (0 all passed or skipped, 1 a test failed, 2 harness error, 130 interrupted), `-j auto`, live progress
 * and machine-readable reports. The options are here; what the command does is in run-command.ts.
 */

import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { addFirmwareOption } from './firmware-option.js';
import { addKcidbOptions } from './record-output.js';
import type { RunFlags } from './run-sinks.js';
import { addSliceOptions } from './shard-options.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Registers `vmunit run` (CommandModule). */
export function register(program: Command, ctx: CliContext, setStatus: (code: number) => void): void {
  const cmd = program
    .command('run')
    .argument('[tests...]', 'only run these tests (exact names)')
    .option(
      '-C, --directory <dir>',
      'configured and built kvm-unit-tests tree (default: the nearest folder upward with a config.mak)',
    )
    .option('-g, --group <group>', 'only tests in this group (repeatable, comma lists allowed)', collect, [])
    .option('-a, --all', "run 'nodefault' tests too and force errata (ERRATA_FORCE=y)")
    .option('-l, --list', 'list test names (honours -g) and exit')
    .option('--allow-empty', 'an unknown group or a selection of no test runs nothing and exits 0')
    .option('-n, --dry-run', "print each test's QEMU command line instead of running it")
    .option('-v, --verbose', 'print the command line of each test before running it')
    .option('-j, --parallel <n>', "number of tests run at once, or 'auto' (one per CPU)")
    .option('-t, --tap13', 'TAP 13 output instead of result lines')
    .option('--probe-maxsmp', 'lower MAX_SMP to the most vCPUs QEMU accepts (one QEMU probe)')
    .option('--wait-timeouts', "a dead guest (KVM internal error) waits for its timeout, as run_tests.sh's")
    .option(
      '--results <dir>',
      'results folder, relative to the current folder (default: <tree>/logs, or $unittest_log_dir in the tree)',
    )
    .option(
      '--format <format>',
      'also write a report to the results folder: ktap, junit, json (KernelCI), html, tap13 (repeatable)',
      collect,
      [],
    )
    .option(
      '-o, --output <[format:]path>',
      "write a report there instead ('-' = stdout; format from the extension or the --format)",
      collect,
      [],
    )
    .option('--color', 'force colour')
    .option('--no-color', 'no colour');
  addSliceOptions(addKcidbOptions(addFirmwareOption(cmd))).action(
    async (tests: string[], flags: RunFlags) => {
      const { runCommand } = await import('./run-command.js');
      setStatus(await runCommand(tests, flags, ctx));
    },
  );
}
