/**
 * The record is lossless for reporters: for every KTAP fixture (kunit.py's test logs and vmunit's own), the
 * JUnit, KernelCI JSON and KTAP rendered from the parser's live events equal those rendered from
 * `recordToEvents` of the record folded from the same events, and a record read back from its event log
 * equals the one folded live.
 */

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { RunEvent } from '../../src/events/types.js';
import { buildTree } from '../../src/ktap/tree.js';
import { RecordBuilder } from '../../src/record/builder.js';
import { parseEventsJsonl } from '../../src/record/read.js';
import { recordToEvents } from '../../src/record/to-events.js';
import { RECORD_FORMAT, RECORD_VERSION } from '../../src/record/types.js';
import { kunitJson } from '../../src/reporters/json-kunit.js';
import { treeToJUnit } from '../../src/reporters/junit.js';
import { eventsToKtap } from '../../src/reporters/ktap.js';
import { FIXTURES, parseAll } from '../ktap/helpers.js';

function renders(events: readonly RunEvent[]): Record<string, string> {
  const root = buildTree(events);
  return {
    junit: treeToJUnit(root),
    json: kunitJson(buildTree(events)),
    ktap: eventsToKtap(events),
  };
}

function fold(events: Iterable<RunEvent>) {
  const builder = new RecordBuilder();
  for (const e of events) builder.push(e);
  return builder.record();
}

const logs = readdirSync(FIXTURES).filter((f) => f.endsWith('.log'));

describe('record round trip over the KTAP fixtures', () => {
  it('has fixtures to check', () => assert.ok(logs.length > 10));
  for (const file of logs) {
    it(file, () => {
      const text = readFileSync(join(FIXTURES, file), 'latin1');
      const live = [
        { type: 'run:start', producer: 'ktap', name: file, time: 1_700_000_000_000 } as RunEvent,
        ...parseAll(text.split('\n')),
        { type: 'run:end', elapsedMs: 12 } as RunEvent,
      ];
      const record = fold(live);
      const replayed = [...recordToEvents(record)];
      assert.deepEqual(renders(replayed), renders(live));
      assert.deepEqual(fold(replayed), record);
      const jsonl = [{ format: RECORD_FORMAT, version: RECORD_VERSION, run: {} }, ...live]
        .map((e) => `${JSON.stringify(e)}\n`)
        .join('');
      assert.deepEqual(parseEventsJsonl(jsonl, 'events.jsonl'), record);
    });
  }
});
