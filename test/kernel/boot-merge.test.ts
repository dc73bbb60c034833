import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunEvent } from '../../src/events/types.js';
import { BootMerger, standIn, worstStatus } from '../../src/kernel/boot-merge.js';
import { buildTree } from '../../src/ktap/tree.js';

const ROOT = 'root';
const start = (id: string, parentId: string, name: string, isSuite = false): RunEvent => ({
  type: 'test:start',
  id,
  parentId,
  name,
  index: 1,
  depth: parentId === ROOT ? 1 : 2,
  isSuite,
});
const result = (id: string, name: string, status: 'SUCCESS' | 'FAILURE' | 'SKIPPED'): RunEvent => ({
  type: 'test:result',
  id,
  name,
  status,
});

/** One boot's events for `suite` running only `test`. */
function oneTestBoot(
  prefix: string,
  suite: string,
  test: string,
  status: 'SUCCESS' | 'FAILURE' | 'SKIPPED',
): RunEvent[] {
  return [
    { type: 'test:plan', id: ROOT, count: 1 },
    start(`${prefix}1`, ROOT, suite, true),
    { type: 'test:plan', id: `${prefix}1`, count: 1 },
    start(`${prefix}2`, `${prefix}1`, test),
    result(`${prefix}2`, test, status),
    { type: 'test:log', id: `${prefix}1`, line: `# ${suite}: stats` },
    result(`${prefix}1`, suite, status === 'FAILURE' ? 'FAILURE' : 'SUCCESS'),
  ];
}

const summary = (glob: string, idPrefix: string) => ({
  glob,
  idPrefix,
  failure: 'exited with status 0',
  tail: [],
});

describe('BootMerger', () => {
  it('folds one-test boots of a suite into one suite node with the listed plan and the worst status', () => {
    const m = new BootMerger(ROOT, 'test', (s) => (s === 's' ? 2 : 1));
    const events: RunEvent[] = [
      { type: 'test:start', id: ROOT, parentId: null, name: 'main', index: 1, depth: 0, isSuite: true },
      ...m.addBoot(oneTestBoot('a', 's', 't1', 'SUCCESS'), summary('s.t1', 'a')),
      ...m.addBoot(oneTestBoot('b', 's', 't2', 'FAILURE'), summary('s.t2', 'b')),
      ...m.addBoot(oneTestBoot('c', 'u', 'v', 'SKIPPED'), summary('u.v', 'c')),
      ...m.finish(),
      { type: 'test:result', id: ROOT, name: 'main', status: 'SUCCESS' },
    ];
    assert.equal(events.filter((e) => e.type === 'test:plan' && e.id === ROOT).length, 0);
    const root = buildTree(events);
    assert.deepEqual(
      root.subtests.map((s) => [s.name, s.status, s.expectedCount, s.subtests.map((t) => t.name)]),
      [
        ['s', 'FAILURE', 2, ['t1', 't2']],
        ['u', 'SUCCESS', 1, ['v']],
      ],
    );
    assert.deepEqual(root.subtests[0]?.log, ['# s: stats', '# s: stats']);
    assert.equal(root.counts.passed, 1);
    assert.equal(root.counts.failed, 1);
    assert.equal(root.counts.skipped, 1);
    assert.equal(root.status, 'FAILURE');
  });

  it('passes suite boots through, renumbering the suites', () => {
    const m = new BootMerger(ROOT, 'suite', () => undefined);
    const out = [
      ...m.addBoot(oneTestBoot('a', 's', 't', 'SUCCESS'), summary('s', 'a')),
      ...m.addBoot(oneTestBoot('b', 'u', 't', 'SUCCESS'), summary('u', 'b')),
    ];
    const tops = out.filter((e) => e.type === 'test:start' && e.parentId === ROOT);
    assert.deepEqual(
      tops.map((e) => (e.type === 'test:start' ? e.index : 0)),
      [1, 2],
    );
  });

  it('stands in for a boot that reported nothing with a crashed node carrying the reason and console tail', () => {
    const m = new BootMerger(ROOT, 'suite', () => undefined);
    const out = m.addBoot([{ type: 'parse:issue', id: ROOT, message: 'Could not find any KTAP output.' }], {
      glob: 'lost_suite',
      idPrefix: 'z',
      failure: 'timed out after 300 s',
      tail: ['last console line'],
    });
    const root = buildTree([
      { type: 'test:start', id: ROOT, parentId: null, name: 'main', index: 1, depth: 0, isSuite: true },
      ...out,
    ]);
    const lost = root.subtests[0];
    assert.equal(lost?.name, 'lost_suite');
    assert.equal(lost?.status, 'TEST_CRASHED');
    assert.deepEqual(lost?.log, [
      'vmunit: kernel timed out after 300 s before reporting any result',
      'last console line',
    ]);
    assert.equal(root.counts.crashed, 1);
    assert.equal(root.counts.errors, 1);
  });

  it('stands in for a lost test boot with a suite holding the crashed test', () => {
    const events = standIn(ROOT, { glob: 's.t', idPrefix: 'q', failure: 'exited with status 1', tail: [] });
    const root = buildTree([
      { type: 'test:start', id: ROOT, parentId: null, name: 'main', index: 1, depth: 0, isSuite: true },
      ...events,
    ]);
    assert.equal(root.subtests[0]?.name, 's');
    assert.equal(root.subtests[0]?.subtests[0]?.name, 't');
    assert.equal(root.subtests[0]?.subtests[0]?.status, 'TEST_CRASHED');
    assert.equal(root.counts.crashed, 1);
  });

  it('orders statuses worst first', () => {
    assert.equal(worstStatus(['SUCCESS', 'SKIPPED']), 'SUCCESS');
    assert.equal(worstStatus(['SKIPPED', 'SKIPPED']), 'SKIPPED');
    assert.equal(worstStatus(['SUCCESS', 'TEST_CRASHED', 'FAILURE']), 'TEST_CRASHED');
    assert.equal(worstStatus([]), 'NO_TESTS');
  });
});
