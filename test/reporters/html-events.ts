/** Test helper: a guest run as `vmunit run` emits it, with every verdict the HTML report must get right. */

import type { RunEvent, TestResultEvent } from '../../src/events/types.js';
import { logFileName } from '../../src/guest/logs.js';

type Result = Omit<TestResultEvent, 'type' | 'id' | 'name'>;

export const HOSTILE_NAME = '#GP <script>alert(1)</script> ünïcödé';

function test(
  index: number,
  name: string,
  checks: Array<[string, Result]>,
  result: Result,
  logs: string[] = [],
): RunEvent[] {
  const id = `x86_64/${index}`;
  const out: RunEvent[] = [
    { type: 'test:start', id, parentId: 'x86_64', name, index, depth: 1, isSuite: false },
  ];
  checks.forEach(([checkName, r], i) => {
    const cid = `${id}/${i + 1}`;
    out.push(
      { type: 'test:start', id: cid, parentId: id, name: checkName, index: i + 1, depth: 2, isSuite: false },
      { type: 'test:result', id: cid, name: checkName, ...r },
    );
  });
  for (const line of logs) out.push({ type: 'test:log', id, line, stream: 'stderr' });
  // As the guest runner: tests QEMU ran name their log file; harness SKIPs have none.
  const log = result.status === 'SKIPPED' ? {} : { log: logFileName(name) };
  out.push({ type: 'test:result', id, name, ...result, ...log });
  return out;
}

const ok: Result = { status: 'SUCCESS' };

/** Passing checks named `check N`. */
function passing(n: number): Array<[string, Result]> {
  return Array.from({ length: n }, (_, i): [string, Result] => [`check ${i + 1}`, ok]);
}

/**
 * Seven tests, 10,031 checks: pass (3 checks), fail (1 of 2 checks), a timeout after 20 passing checks,
 * an abort after a passing check with a hostile name, a harness SKIP, 10,000 checks of which 3 fail, and
 * a second test with the same name as the first.
 */
export function guestRunEvents(): RunEvent[] {
  const many = passing(10_000);
  for (const i of [17, 5000, 9999]) many[i] = [`bad ${i}`, { status: 'FAILURE' }];
  return [
    {
      type: 'run:start',
      producer: 'guest',
      name: '/kut',
      meta: { arch: 'x86_64' },
      time: Date.UTC(2026, 11, 3, 10),
    },
    { type: 'test:start', id: 'x86_64', parentId: null, name: 'x86_64', index: 1, depth: 0, isSuite: true },
    ...test(1, 'dup', passing(3), { ...ok, durationMs: 1200, reason: '3 tests' }),
    ...test(
      2,
      'emulator',
      [
        ['arith: add', ok],
        [
          'arith: 2 + 2 == 5',
          {
            status: 'FAILURE',
            failures: [
              { message: 'FAIL: arith: 2 + 2 == 5', location: { file: 'x86/emulator.c', line: 77 } },
            ],
          },
        ],
      ],
      { status: 'FAILURE', durationMs: 800, reason: '2 tests, 1 unexpected failures' },
    ),
    ...test(2 + 1, 'ioapic', passing(20), {
      status: 'FAILURE',
      directive: { kind: 'TIMEOUT', reason: 'timeout; duration=90s' },
      reason: 'timeout; duration=90s',
      durationMs: 90_000,
    }),
    ...test(
      4,
      HOSTILE_NAME,
      [['before', ok]],
      { status: 'FAILURE', reason: 'aborted', durationMs: 300, failures: [{ message: 'guest aborted' }] },
      ['x86/setjmp.c:42: assert failed: <b>longjmp</b> returned'],
    ),
    ...test(5, 'cmpxchg8b', [], {
      status: 'SKIPPED',
      directive: { kind: 'SKIP', reason: 'i386 only' },
      reason: 'i386 only',
    }),
    ...test(6, 'many', many, {
      status: 'FAILURE',
      durationMs: 5000,
      reason: '10000 tests, 3 unexpected failures',
    }),
    ...test(7, 'dup', [['again', ok]], ok),
    { type: 'test:result', id: 'x86_64', name: 'x86_64', status: 'FAILURE' },
    { type: 'run:end', elapsedMs: 97_000, time: Date.UTC(2026, 11, 3, 10, 1, 37) },
  ];
}
