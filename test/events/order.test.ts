/**
 * Declaration order: a `-j` run starts tests out of cfg order (longest first) and they end in any order;
 * every consumer that keeps children (tree builder, KTAP writer, record builder) reports them in test:start
 * index order, and the streaming KTAP writer holds a finished test back until the ones before it are out.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunEvent } from '../../src/events/types.js';
import { buildTree } from '../../src/ktap/tree.js';
import { RecordBuilder } from '../../src/record/builder.js';
import { KtapWriter } from '../../src/reporters/ktap.js';

const start = (id: string, index: number): RunEvent => ({
  type: 'test:start',
  id,
  parentId: id === 'r' ? null : 'r',
  name: id,
  index,
  depth: id === 'r' ? 0 : 1,
  isSuite: id === 'r',
});
const done = (id: string): RunEvent => ({ type: 'test:result', id, name: id, status: 'SUCCESS' });

/** c (index 3) starts and ends first, then a (1), then b (2). */
const events: RunEvent[] = [
  start('r', 1),
  start('c', 3),
  done('c'),
  start('a', 1),
  start('b', 2),
  done('a'),
  done('b'),
  done('r'),
];

describe('children in test:start index order', () => {
  it('tree builder and record builder', () => {
    assert.deepEqual(
      buildTree(events).subtests.map((t) => t.name),
      ['a', 'b', 'c'],
    );
    const record = new RecordBuilder();
    for (const e of events) record.push(e);
    assert.deepEqual(
      record.record().tests.map((t) => [t.name, t.node?.index]),
      [
        ['a', undefined],
        ['b', undefined],
        ['c', undefined],
      ],
    );
  });

  it('KTAP writer: holds c back until a and b are written', () => {
    let text = '';
    const writer = new KtapWriter((chunk) => {
      text += chunk;
    });
    writer.push(events[0] as RunEvent);
    writer.push(events[1] as RunEvent);
    writer.push(events[2] as RunEvent);
    assert.doesNotMatch(text, /ok \d c/, 'c waits for a and b');
    for (const e of events.slice(3)) writer.push(e);
    writer.close();
    assert.deepEqual(
      text.split('\n').filter((l) => l.startsWith('ok')),
      ['ok 1 a', 'ok 2 b', 'ok 3 c'],
    );
  });

  it('KTAP writer: a gap left by a test that never started is closed at the end', () => {
    let text = '';
    const writer = new KtapWriter((chunk) => {
      text += chunk;
    });
    for (const e of [start('r', 1), start('c', 3), done('c')]) writer.push(e);
    writer.push({ type: 'run:end', interrupted: true });
    writer.close();
    assert.match(text, /^ok 1 c$/m);
  });
});
