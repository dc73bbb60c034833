/**
 * `vmunit report RESULTS [--format F] [--output F:PATH]…`: renders a saved run (a results folder, its
 * record.json or its events.jsonl) in any format: console, ktap, junit, json (KernelCI), html, tap13. An
 * interrupted or killed run is rendered as far as it got. The files equal those the run wrote itself.
 * Exit status: 0 when every test passed or was skipped, 1 when one failed, crashed or did not finish,
 * 2 for a bad record.
 */

import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { formatLevelCounts } from '../../record/counts.js';
import { readRecord } from '../../record/read.js';
import type { RunRecord } from '../../record/types.js';
import { REPORTER_FORMATS } from '../../reporters/formats.js';
import { parseOutputSpecs, stdoutTaken } from '../../reporters/output.js';
import type { CliContext } from '../context.js';
import { addKcidbOptions, type KcidbFlags, kcidbOptions } from './record-output.js';

export interface ReportFlags extends KcidbFlags {
  readonly format?: string;
  readonly output: string[];
  readonly color?: boolean;
  readonly baseline?: string;
}

/** `vmunit: 11 tests (…), 1136 checks (…)`, and why the record is partial. */
export function summaryLine(record: RunRecord): string {
  const run = record.run;
  const state = run.complete ? '' : run.interrupted ? ' (interrupted)' : ' (incomplete: the run did not end)';
  return `vmunit: ${formatLevelCounts(record.counts)}${state}\n`;
}

export async function reportCommand(results: string, flags: ReportFlags, ctx: CliContext): Promise<number> {
  const input = resolve(ctx.cwd, results);
  const record = await readRecord(input);
  const tty = ctx.stdout.isTTY === true;
  const targets = parseOutputSpecs({ format: flags.format, outputs: flags.output, isTTY: tty, cwd: ctx.cwd });
  const color = flags.color ?? (tty && ctx.env.NO_COLOR === undefined);
  // Log paths in the record are relative to the results folder: the folder given, or the one holding the file.
  const resultsDir = (await stat(input)).isDirectory() ? input : dirname(input);
  const baseline =
    flags.baseline === undefined ? undefined : await readRecord(resolve(ctx.cwd, flags.baseline));
  // The reporters load only now: `report --help` never needs them (start-up).
  const { renderRecord } = await import('../../reporters/render-record.js');
  await renderRecord(record, targets, {
    stdout: ctx.stdout,
    color,
    resultsDir,
    ...(baseline === undefined ? {} : { baseline }),
    ...kcidbOptions(flags),
  });
  (stdoutTaken(targets) ? ctx.stderr : ctx.stdout).write(summaryLine(record));
  const t = record.counts.tests;
  return t.failed + t.errors + t.missing === 0 && (record.run.complete || record.run.interrupted === false)
    ? 0
    : 1;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Registers `vmunit report` (CommandModule). */
export function register(program: Command, ctx: CliContext, setStatus: (code: number) => void): void {
  const cmd = program
    .command('report')
    .argument('<results>', 'results folder, record.json or events.jsonl')
    .option(
      '--format <format>',
      `stdout: ${REPORTER_FORMATS.join(', ')} or none (default: console on a tty, else ktap)`,
    )
    .option(
      '-o, --output <[format:]path>',
      'also write a report file (repeatable; format from the extension)',
      collect,
      [],
    )
    .option(
      '--baseline <results>',
      'html: mark the tests whose verdict changed since this record (regressions, fixes)',
    )
    .option('--color', 'force colour')
    .option('--no-color', 'no colour');
  addKcidbOptions(cmd).action(async (results: string, flags: ReportFlags) => {
    setStatus(await reportCommand(results, flags, ctx));
  });
}
