/**
 * `vmunit compare BASE NEW…`: regressions, fixes, new and vanished tests, flaky tests across several NEW
 * records, and check-level changes (src/scale/compare.ts). Text on a terminal, JSON for machines, Markdown
 * for a merge-request comment. Exit 1 on a regression or a vanished test, else 0; 2 for unreadable input.
 */

import { resolve } from 'node:path';
import type { Command } from 'commander';
import { readRecord } from '../../record/read.js';
import { compareRecords, comparisonStatus } from '../../scale/compare.js';
import { COMPARE_FORMATS, type CompareFormat, formatComparison } from '../../scale/compare-format.js';
import { VmunitError } from '../../util/errors.js';
import { writeDocument } from '../../util/sink.js';
import type { CliContext } from '../context.js';

interface CompareFlags {
  readonly format: string;
  readonly output?: string;
}

export async function compareCommand(
  base: string,
  news: readonly string[],
  flags: CompareFlags,
  ctx: CliContext,
): Promise<number> {
  if (!(COMPARE_FORMATS as readonly string[]).includes(flags.format)) {
    throw new VmunitError('USAGE', `--format ${flags.format}: choose from ${COMPARE_FORMATS.join(', ')}`);
  }
  const baseRecord = await readRecord(resolve(ctx.cwd, base));
  const newRecords = [];
  for (const p of news) newRecords.push(await readRecord(resolve(ctx.cwd, p)));
  const comparison = compareRecords(baseRecord, newRecords);
  const text = formatComparison(comparison, flags.format as CompareFormat);
  await writeDocument(flags.output === undefined ? ctx.stdout : resolve(ctx.cwd, flags.output), text);
  return comparisonStatus(comparison);
}

/** Registers `vmunit compare`. */
export function register(program: Command, ctx: CliContext, setStatus: (code: number) => void): void {
  program
    .command('compare')
    .argument('<base>', 'baseline results folder or record.json')
    .argument('<new...>', 'one or more new results folders or records (several: flaky detection)')
    .option('--format <format>', `output: ${COMPARE_FORMATS.join(', ')}`, 'text')
    .option('-o, --output <file>', 'write the comparison to FILE instead of stdout')
    .action(async (base: string, news: string[], flags: CompareFlags) => {
      setStatus(await compareCommand(base, news, flags, ctx));
    });
}
