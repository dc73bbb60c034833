/**
 * Rendering a record through the reporters: `vmunit report` and the results folder's report files of a run
 * both come through here, from the same canonical event stream, so they are the same bytes.
 */

import type { ProducerKind } from '../events/types.js';
import { createOutputReporter, type OutputContext, type OutputTarget } from '../reporters/output.js';
import { recordToEvents } from './to-events.js';
import type { RunRecord } from './types.js';

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
 * the producer's part of it), and `ctx.resultsDir` lets the HTML page excerpt and link the log files.
 */
export async function renderRecord(
  record: RunRecord,
  targets: readonly OutputTarget[],
  ctx: Omit<OutputContext, 'title' | 'meta'>,
): Promise<void> {
  const { complete, interrupted, properties, elapsedMs, ...meta } = record.run;
  const reporter = createOutputReporter(targets, {
    ...ctx,
    title: reportTitle(record.run.producer),
    meta,
  });
  for (const event of recordToEvents(record)) reporter.onEvent(event);
  await reporter.close();
}
