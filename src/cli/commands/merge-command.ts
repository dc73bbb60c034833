/**
 * What `vmunit merge` does once its flags are parsed (merge.ts registers the options and loads this module
 * in its action, so that `--help` reads no record code).
 */

import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { formatLevelCounts } from '../../record/counts.js';
import { RECORD_FILE } from '../../record/files.js';
import { readRecord } from '../../record/read.js';
import type { RunRecord } from '../../record/types.js';
import { parseOutputSpecs } from '../../reporters/output.js';
import { mergeRecords } from '../../scale/merge.js';
import { VmunitError } from '../../util/errors.js';
import { writeAtomic } from '../../util/sink.js';
import type { CliContext } from '../context.js';
import { type KcidbFlags, kcidbOptions, verdictLines } from './record-output.js';

export interface MergeFlags extends KcidbFlags {
  readonly results: string;
  readonly format?: string;
  readonly output: string[];
}

/** A folder vmunit may write its record into: new, empty, or holding a record already. */
async function checkResultsDir(dir: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return;
  }
  if (entries.length > 0 && !entries.includes(RECORD_FILE)) {
    throw new VmunitError(
      'USAGE',
      `--results ${dir} is not empty and holds no ${RECORD_FILE}; refusing to write into it`,
    );
  }
}

/** 1 when any test failed, crashed or is missing, as `vmunit run` exits. */
export function recordStatus(record: RunRecord): number {
  const c = record.counts.tests;
  return c.failed + c.errors + c.missing > 0 ? 1 : 0;
}

export async function mergeCommand(
  paths: readonly string[],
  flags: MergeFlags,
  ctx: CliContext,
): Promise<number> {
  if (paths.length === 0)
    throw new VmunitError('USAGE', 'merge: give the records (results folders or record files)');
  const dir = resolve(ctx.cwd, flags.results);
  const targets = parseOutputSpecs({
    format: flags.format ?? 'none',
    outputs: flags.output,
    isTTY: ctx.stdout.isTTY === true,
    cwd: ctx.cwd,
    resultsDir: dir,
  });
  await checkResultsDir(dir);
  const inputs = [];
  for (const p of paths) inputs.push({ source: p, record: await readRecord(resolve(ctx.cwd, p)) });
  const merged = mergeRecords(inputs, ['vmunit', 'merge', ...paths]);
  await writeAtomic(join(dir, RECORD_FILE), `${JSON.stringify(merged, null, 2)}\n`);
  if (flags.format === undefined && !targets.some((t) => t.path === '-'))
    ctx.stdout.write(verdictLines(merged));
  // The reporters load only now: `merge --help` never needs them (start-up).
  const { renderRecord } = await import('../../reporters/render-record.js');
  await renderRecord(merged, targets, {
    stdout: ctx.stdout,
    color: ctx.stdout.isTTY === true && ctx.env.NO_COLOR === undefined,
    ...kcidbOptions(flags),
  });
  ctx.stderr.write(
    `vmunit: merged ${paths.length} records: ${formatLevelCounts(merged.counts)}; ${join(dir, RECORD_FILE)}\n`,
  );
  return recordStatus(merged);
}
