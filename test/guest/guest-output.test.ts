import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunEvent } from '../../src/events/types.js';
import { GuestOutputAdapter, type KtapSink } from '../../src/guest/guest-output.js';
import { defaultKtapSink } from '../../src/guest/run-one.js';

function feed(adapter: GuestOutputAdapter, lines: string[]): RunEvent[] {
  return [...lines.flatMap((l) => adapter.push(l)), ...adapter.end()];
}

describe('GuestOutputAdapter: lib/report.c lines', () => {
  it('turns each report line into a subtest and keeps every line as log', () => {
    const a = new GuestOutputAdapter({ testId: 't', depth: 1 });
    const events = feed(a, [
      'enabling apic',
      'PASS: apic: x2apic: self ipi',
      'FAIL: apic: tsc deadline',
      'SKIP: pmu: not supported',
      'XFAIL: known bad',
      'XPASS: surprise',
      'SUMMARY: 5 tests, 2 unexpected failures, 1 expected failures, 1 skipped',
    ]);
    const results = events.filter((e) => e.type === 'test:result');
    assert.deepEqual(
      results.map((e) => [e.name, e.status, e.directive?.kind]),
      [
        ['apic: x2apic: self ipi', 'SUCCESS', undefined],
        ['apic: tsc deadline', 'FAILURE', undefined],
        ['pmu: not supported', 'SKIPPED', 'SKIP'],
        ['known bad', 'SUCCESS', 'XFAIL'],
        ['surprise', 'FAILURE', undefined],
      ],
    );
    const starts = events.filter((e) => e.type === 'test:start');
    assert.deepEqual(
      starts.map((e) => [e.id, e.parentId, e.depth, e.index]),
      [
        ['t/1', 't', 2, 1],
        ['t/2', 't', 2, 2],
        ['t/3', 't', 2, 3],
        ['t/4', 't', 2, 4],
        ['t/5', 't', 2, 5],
      ],
    );
    assert.equal(events.filter((e) => e.type === 'test:log').length, 7);
    assert.deepEqual(a.failedChecks, ['FAIL: apic: tsc deadline', 'XPASS: surprise']);
    const failed = results[1];
    assert.equal(
      failed?.type === 'test:result' ? failed.failures?.[0]?.message : '',
      'FAIL: apic: tsc deadline',
    );
    assert.equal(a.summary, '(5 tests, 2 unexpected failures, 1 expected failures, 1 skipped)');
    assert.equal(a.checks, 5);
  });

  it('takes SUMMARY only from the last 5 lines, as run_tests.sh (tail -5)', () => {
    const a = new GuestOutputAdapter({ testId: 't', depth: 1 });
    feed(a, ['SUMMARY: 1 tests', '1', '2', '3', '4', '5']);
    assert.equal(a.summary, '');
    const b = new GuestOutputAdapter({ testId: 't', depth: 1 });
    feed(b, ['SUMMARY: 1 tests', '1', '2', '3', '4']);
    assert.equal(b.summary, '(1 tests)');
  });

  it('ignores look-alikes (no space after the colon, INFO:, ABORT:)', () => {
    const a = new GuestOutputAdapter({ testId: 't', depth: 1 });
    const events = feed(a, ['PASS:x', 'INFO: note', 'ABORT: bad', ' PASS: indented']);
    assert.equal(events.filter((e) => e.type === 'test:result').length, 0);
  });

  it('remembers the first EXIT: STATUS line', () => {
    const a = new GuestOutputAdapter({ testId: 't', depth: 1 });
    feed(a, ['EXIT: STATUS=127', 'EXIT: STATUS=1']);
    assert.equal(a.exitLineStatus, 127);
  });
});

describe('GuestOutputAdapter: KTAP passthrough', () => {
  it('hands lines from the version line on to the injected KTAP parser', () => {
    const seen: string[] = [];
    let options: unknown;
    const sink: KtapSink = {
      push: (line) => {
        seen.push(line);
        return [{ type: 'test:log', id: 'k', line }];
      },
      end: () => [{ type: 'test:log', id: 'k', line: '<end>' }],
    };
    const a = new GuestOutputAdapter({
      testId: 'g/3',
      depth: 1,
      ktap: (o) => {
        options = o;
        return sink;
      },
    });
    const events = feed(a, ['boot banner', 'KTAP version 1', '1..1', 'ok 1 hello', 'PASS: not legacy here']);
    assert.deepEqual(seen, ['KTAP version 1', '1..1', 'ok 1 hello', 'PASS: not legacy here']);
    assert.deepEqual(options, { idPrefix: 'g/3/', parentId: 'g/3', parentDepth: 1 });
    assert.equal(events.filter((e) => e.type === 'test:result').length, 0);
    assert.equal(events.at(-1)?.type === 'test:log' ? events.at(-1)?.type : '', 'test:log');
  });
});

describe('GuestOutputAdapter: unbounded KTAP answers', () => {
  it('six lines (a subtest planning a million children, then its result) do not crash with RangeError', () => {
    const a = new GuestOutputAdapter({ testId: 't', depth: 1, ktap: defaultKtapSink });
    let count = 0;
    let last: RunEvent | undefined;
    const lines = [
      'KTAP version 1',
      '1..1',
      '    KTAP version 1',
      '    # Subtest: big',
      '    1..1000000',
      'ok 1 big',
    ];
    for (const line of lines) {
      const events = a.push(line);
      count += events.length;
      last = events.at(-1) ?? last;
    }
    assert.ok(count > 100_000, `a large plan's missing subtests are events (${count})`);
    assert.equal(last?.type === 'test:result' ? last.name : '', 'big');
  });
});
