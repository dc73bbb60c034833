/**
 * Rendering a record through the reporters: `vmunit report` and the results folder's report files of a run
 * both come through here, from the same canonical event stream, so they are the same bytes.
 */

import type { ProducerKind } from '../events/types.js';
import { recordToKcidb } from '../reporters/kcidb.js';
import { createOutputReporter, type OutputContext, type OutputTarget } from '../reporters/output.js';
import { writeDocument } from '../reporters/sink.js';
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
 * Writes `record` to every target and closes them. KCIDB is rendered from the record itself rather than
 * from replayed events, so verdicts no event carries (a merge's MISS) reach it unchanged.
 */
export async function renderRecord(
  record: RunRecord,
  targets: readonly OutputTarget[],
  ctx: Omit<OutputContext, 'title'>,
): Promise<void> {
  for (const t of targets.filter((t) => t.format === 'kcidb')) {
    const doc = recordToKcidb(record, {
      origin: ctx.origin ?? '',
      ...(ctx.logUrlBase === undefined ? {} : { logUrlBase: ctx.logUrlBase }),
    });
    await writeDocument(t.path === '-' ? ctx.stdout : t.path, `${JSON.stringify(doc, null, 2)}\n`);
  }
  const others = targets.filter((t) => t.format !== 'kcidb');
  const reporter = createOutputReporter(others, { ...ctx, title: reportTitle(record.run.producer) });
  for (const event of recordToEvents(record)) reporter.onEvent(event);
  await reporter.close();
}
