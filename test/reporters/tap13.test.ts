import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunEvent } from '../../src/events/types.js';
import { Tap13Reporter } from '../../src/reporters/tap13.js';
import { sink } from '../guest/e2e-helpers.js';

function test(
  id: string,
  name: string,
  lines: string[],
  result: Partial<Extract<RunEvent, { type: 'test:result' }>>,
  status?: number,
): RunEvent[] {
  return [
    { type: 'test:start', id, parentId: 'guest', name, index: 1, depth: 1, isSuite: false },
    ...lines.map((line): RunEvent => ({ type: 'test:log', id, line, stream: 'serial' })),
    ...(status === undefined
      ? []
      : [{ type: 'test:attr', id, key: 'exit_status', value: String(status) } as RunEvent]),
    { type: 'test:result', id, name, status: 'SUCCESS', ...result },
  ];
}

describe('Tap13Reporter (run_tests.sh -t)', () => {
  it('maps PASS/FAIL/SKIP lines as upstream and adds a line for every test upstream drops', async () => {
    const out = sink();
    const r = new Tap13Reporter(out);
    const events: RunEvent[] = [
      { type: 'run:start', producer: 'guest', name: 'x' },
      ...test(
        'g/1',
        'setjmp',
        ['PASS: one', 'XPASS: ignored', 'SKIP: two', 'FAIL: three', 'SUMMARY: 3 tests'],
        { status: 'FAILURE', reason: '(3 tests, 1 unexpected failures)' },
        3,
      ),
      ...test(
        'g/2',
        'ioapic',
        ['PASS: a'],
        { status: 'FAILURE', reason: 'timeout; duration=90s', directive: { kind: 'TIMEOUT', reason: '' } },
        124,
      ),
      ...test('g/3', 'emulator', ['FAIL: x', 'ABORT: y'], { status: 'FAILURE', reason: '' }, 127),
      ...test('g/4', 'cmpxchg8b', [], { status: 'SKIPPED', reason: 'i386 only' }),
      ...test('g/5', 's3', [], { status: 'FAILURE', reason: '' }, 3),
      ...test('g/6', 'vmexit_cpuid', [], { status: 'SUCCESS' }, 0),
    ];
    for (const e of events) r.onEvent(e);
    await r.close();
    assert.equal(
      out.text(),
      [
        'TAP version 13',
        'ok 1 - setjmp: one',
        'ok 2 - setjmp: two # skip',
        'not ok 3 - setjmp: three',
        'ok 4 - ioapic: a',
        'not ok 5 - ioapic: timeout; duration=90s',
        'not ok 6 - emulator: x',
        'not ok 7 - emulator: aborted',
        'ok 8 - cmpxchg8b # SKIP i386 only',
        'not ok 9 - s3: exit status 3',
        'ok 10 - vmexit_cpuid',
        '1..10',
        '',
      ].join('\n'),
    );
  });
  it('gives a run that failed with no test to say so (a log without KTAP) one not ok line', async () => {
    const run = async (events: readonly RunEvent[]) => {
      const out = sink();
      const r = new Tap13Reporter(out);
      for (const e of events) r.onEvent(e);
      await r.close();
      return out.text();
    };
    const root = (status: 'FAILURE_TO_PARSE_TESTS' | 'NO_TESTS' | 'FAILURE'): RunEvent[] => [
      { type: 'run:start', producer: 'ktap', name: 'log' },
      { type: 'test:start', id: 'r', parentId: null, name: 'main', index: 1, depth: 0, isSuite: true },
      { type: 'test:result', id: 'r', name: '<missing>', status },
    ];
    assert.equal(
      await run(root('FAILURE_TO_PARSE_TESTS')),
      'TAP version 13\nnot ok 1 - <missing>: no test output was found\n1..1\n',
    );
    assert.equal(await run(root('NO_TESTS')), 'TAP version 13\n1..0\n');
    // A failing test already says it: no line for the run.
    const failed = await run([
      ...root('FAILURE').slice(0, 2),
      ...test('g/1', 'a', [], { status: 'FAILURE', reason: 'x' }),
      ...root('FAILURE').slice(2),
    ]);
    assert.equal(failed, 'TAP version 13\nnot ok 1 - a: x\n1..1\n');
  });
});
