/**
 * Rendering a record through the reporters: `vmunit report` and the results folder's report files of a run
 * both come through here, from the same canonical event stream, so they are the same bytes.
 */

import type { ProducerKind } from '../events/types.js';
import { recordToEvents } from '../record/to-events.js';
import type { RunRecord } from '../record/types.js';
import { writeDocument } from '../util/sink.js';
import { recordToKcidb } from './kcidb.js';
import type { OutputTarget } from './output.js';
import { createOutputReporter, type OutputContext } from './output-reporter.js';

/** The HTML title of each producer's report, so a report names the command that ran. */
const TITLES: Readonly<Record<ProducerKind, string>> = {
  guest: 'vmunit run',
  kernel: 'vmunit kunit',
  unit: 'vmunit test',
  ktap: 'vmunit parse',
};

export function reportTitle(producer: ProducerKind): string {
  return TITLES[producer];
}

/**
 * Writes `record` to every target and closes them. The run's metadata goes along (the events carry only
 * the producer's part of it), and `ctx.resultsDir` lets the HTML page excerpt and link the log files. KCIDB
 * is rendered from the record itself rather than from replayed events, so verdicts no event carries (a
 * merge's MISS) reach it unchanged.
 */
export async function renderRecord(
  record: RunRecord,
  targets: readonly OutputTarget[],
  ctx: Omit<OutputContext, 'title' | 'meta'>,
): Promise<void> {
  for (const t of targets.filter((t) => t.format === 'kcidb')) {
    const doc = recordToKcidb(record, {
      origin: ctx.origin ?? '',
      ...(ctx.logUrlBase === undefined ? {} : { logUrlBase: ctx.logUrlBase }),
    });
    await writeDocument(t.path === '-' ? ctx.stdout : t.path, `${JSON.stringify(doc, null, 2)}\n`);
  }
  const others = targets.filter((t) => t.format !== 'kcidb');
  const { complete, interrupted, properties, elapsedMs, ...meta } = record.run;
  const reporter = createOutputReporter(others, {
    ...ctx,
    title: reportTitle(record.run.producer),
    meta,
  });
  for (const event of recordToEvents(record)) reporter.onEvent(event);
  await reporter.close();
}
