/**
 * Writing a record (merged or read back) in the formats a run writes: every reporter replays the record's
 * events, except KCIDB, which is rendered from the record itself so that verdicts events cannot carry (a
 * merge's MISS) reach it unchanged. The default text is one run_tests.sh-style line per test.
 */

import { recordToEvents } from '../../record/to-events.js';
import type { RecordTest, RunRecord } from '../../record/types.js';
import { recordToKcidb } from '../../reporters/kcidb.js';
import type { OutputTarget } from '../../reporters/output.js';
import { createReporter } from '../../reporters/registry.js';
import { writeDocument } from '../../reporters/sink.js';

export interface RecordOutputOptions {
  readonly stdout: NodeJS.WritableStream;
  readonly color: boolean;
  readonly origin?: string;
  readonly logUrlBase?: string;
}

/**
 * `PASS setjmp (10 tests)`, `FAIL ioapic (timeout; duration=90s)`, `MISS sieve (missing from shard 2/3 …)`:
 * run_tests.sh's result line, byte for byte (it keeps the space before an empty summary). A guest summary
 * is stored with its parentheses, a harness reason without.
 */
export function verdictLine(t: RecordTest): string {
  const reason = t.reason ?? '';
  const text = reason === '' || (reason.startsWith('(') && reason.endsWith(')')) ? reason : `(${reason})`;
  return `${t.verdict} ${t.name} ${text}`;
}

export function verdictLines(record: RunRecord): string {
  return record.tests.map((t) => `${verdictLine(t)}\n`).join('');
}

/** Writes `record` to every target. */
export async function writeRecordOutputs(
  record: RunRecord,
  targets: readonly OutputTarget[],
  o: RecordOutputOptions,
): Promise<void> {
  for (const t of targets) {
    const destination = t.path === '-' ? o.stdout : t.path;
    if (t.format === 'kcidb') {
      const doc = recordToKcidb(record, {
        origin: o.origin ?? '',
        ...(o.logUrlBase === undefined ? {} : { logUrlBase: o.logUrlBase }),
      });
      await writeDocument(destination, `${JSON.stringify(doc, null, 2)}\n`);
      continue;
    }
    const reporter = createReporter(t.format, { destination, color: t.path === '-' && o.color });
    for (const event of recordToEvents(record)) reporter.onEvent(event);
    await reporter.close();
  }
}
