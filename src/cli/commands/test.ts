/**
 * `vmunit test [files or globs...]`: finds `*.kunit.ts`/`*.kunit.js` files, runs their suites with the unit
 * library (KUnit's model) and reports through the shared reporters (reporters/output.ts): KTAP when stdout
 * is not a terminal, the kunit.py-style console when it is, JUnit, KernelCI JSON or HTML on request. Exit 1 when a test failed or
 * crashed, 2 for bad usage or a test file that cannot be loaded.
 */

import type { Command } from 'commander';
import { DEFAULT_TIMEOUT_MS } from '../../unit/protocol.js';
import type { CliContext } from '../context.js';
import { addKcidbOptions } from './record-output.js';
import { addSliceOptions } from './shard-options.js';
import type { TestFlags } from './test-run.js';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Registers `vmunit test` (CommandModule). */
export function register(program: Command, ctx: CliContext, setStatus: (code: number) => void): void {
  const cmd = program
    .command('test')
    .argument(
      '[paths...]',
      'test files, folders or globs (default: every *.kunit.* file under the current folder)',
    )
    .option('--filter <attrs>', 'attribute filter, e.g. "speed>slow" or "module=foo" (KUnit syntax)')
    .option('--filter_glob <glob>', 'run only suite.case names matching the glob, e.g. "list*.*del*"')
    .option('--filter_action <action>', 'skip: report filtered tests as skipped instead of leaving them out')
    .option('--isolation <mode>', 'suite (a fresh host per suite), case (per case) or none', 'suite')
    .option('--backend <kind>', 'isolation host: worker (thread) or process', 'worker')
    .option('--timeout <seconds>', `per-case timeout (default ${DEFAULT_TIMEOUT_MS / 1000}, as KUnit)`)
    .option('--memory <MiB>', 'heap limit of each host; exceeding it crashes only that suite')
    .option('-j, --jobs <n>', 'suites run at once', '1')
    .option(
      '--format <format>',
      'stdout: console, ktap, json, junit, html, kcidb or none (default: console on a tty, else ktap)',
    )
    .option(
      '-o, --output <[format:]path>',
      'also write a report file (repeatable; format from the extension)',
      collect,
      [],
    )
    .option('--results <dir>', 'keep the run record (events.jsonl, record.json) in this folder')
    .option('--list', 'list suite.case names and exit')
    .option('--list_attr', 'list names with attributes and exit');
  addSliceOptions(addKcidbOptions(cmd), 'suites').action(async (paths: string[], flags: TestFlags) => {
    // The unit library loads only when tests run or are listed (`vmunit test --help` stays cheap).
    const { testCommand } = await import('./test-run.js');
    setStatus(await testCommand(paths, flags, ctx));
  });
}
