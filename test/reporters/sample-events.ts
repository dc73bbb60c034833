/** Test helper: hand-built event sequences shared by the reporter tests. */

import type { RunEvent, TestResultEvent, TestStartEvent } from '../../src/events/types.js';

type Result = Omit<TestResultEvent, 'type' | 'id' | 'name'>;

function start(
  id: string,
  parentId: string | null,
  name: string,
  index: number,
  isSuite = false,
): TestStartEvent {
  const depth = parentId === null ? 0 : id.split('.').length - 1;
  return { type: 'test:start', id, parentId, name, index, depth, isSuite };
}

function leaf(
  id: string,
  parentId: string,
  name: string,
  index: number,
  result: Result,
  logs: string[] = [],
) {
  return [
    start(id, parentId, name, index),
    ...logs.map((line): RunEvent => ({ type: 'test:log', id, line })),
    { type: 'test:result', id, name, ...result } as RunEvent,
  ];
}

/**
 * A nested run with every outcome: failure with structured detail, skip with reason, TODO, XFAIL, a
 * timed-out crash, a nested suite, durations, attributes and logs at every level.
 */
export function richEvents(): RunEvent[] {
  return [
    {
      type: 'run:start',
      producer: 'unit',
      name: 'rich',
      time: Date.UTC(2026, 10, 22, 1, 0, 0, 123),
      meta: { arch: 'x86_64', accel: 'tcg' },
    },
    start('r', null, 'main', 1, true),
    { type: 'test:plan', id: 'r', count: 2 },
    { type: 'test:log', id: 'r', line: 'root diagnostic' },
    start('r.s', 'r', 'math', 1, true),
    { type: 'test:attr', id: 'r.s', key: 'module', value: 'math_test' },
    { type: 'test:plan', id: 'r.s', count: 7 },
    ...leaf(
      'r.s.1',
      'r.s',
      'adds',
      1,
      {
        status: 'FAILURE',
        durationMs: 150,
        failures: [
          {
            message: 'EXPECTATION FAILED',
            operator: 'EQ',
            leftText: '1 + 1',
            rightText: '3',
            leftValue: '2',
            rightValue: '3',
            location: { file: 'lib/math.c', line: 30 },
          },
        ],
      },
      ['# adds: initializing'],
    ),
    ...leaf('r.s.2', 'r.s', 'subs', 2, { status: 'SUCCESS', durationMs: 50 }),
    ...leaf('r.s.3', 'r.s', 'skipper', 3, {
      status: 'SKIPPED',
      directive: { kind: 'SKIP', reason: 'needs kvm' },
    }),
    ...leaf('r.s.4', 'r.s', 'todo', 4, {
      status: 'FAILURE',
      directive: { kind: 'TODO', reason: 'not implemented' },
    }),
    ...leaf('r.s.5', 'r.s', 'xfail', 5, {
      status: 'SUCCESS',
      directive: { kind: 'XFAIL', reason: 'known bug' },
    }),
    ...leaf(
      'r.s.6',
      'r.s',
      'boots',
      6,
      {
        status: 'TEST_CRASHED',
        reason: 'timeout',
        directive: { kind: 'TIMEOUT', reason: '90s' },
      },
      ['serial: booting'],
    ),
    start('r.s.7', 'r.s', 'nested', 7, true),
    { type: 'test:plan', id: 'r.s.7', count: 1 },
    ...leaf('r.s.7.1', 'r.s.7', 'deep', 1, { status: 'SUCCESS' }),
    { type: 'test:result', id: 'r.s.7', name: 'nested', status: 'SUCCESS' },
    { type: 'test:log', id: 'r.s', line: 'math: pass:3 fail:2 skip:1 total:7' },
    { type: 'test:result', id: 'r.s', name: 'math', status: 'FAILURE', durationMs: 200 },
    ...leaf('r.2', 'r', 'top', 2, { status: 'SUCCESS', durationMs: 50 }),
    { type: 'test:result', id: 'r', name: 'main', status: 'FAILURE' },
    { type: 'run:end', elapsedMs: 400 },
  ];
}

/** Names, reasons and logs that try to break out of XML, HTML and KTAP. */
export function hostileEvents(): RunEvent[] {
  const suite = `suite <&> "q" 'a'`;
  return [
    { type: 'run:start', producer: 'guest', name: 'hostile' },
    start('r', null, 'main', 1, true),
    start('r.s', 'r', suite, 1, true),
    ...leaf(
      'r.s.1',
      'r.s',
      'case<1> & "two"\tTAB \x1b[31m \x00',
      1,
      { status: 'SKIPPED', directive: { kind: 'SKIP', reason: 'needs <kvm> & "root" ]]>' } },
      ['</system-out><evil/> \x07 bell', ']]> & done\r'],
    ),
    ...leaf('r.s.2', 'r.s', 'hash # and \\ backslash', 2, { status: 'FAILURE' }, [
      'ok 1 fake',
      '# Subtest: fake',
      'KTAP version 1',
      '<script>alert(1)</script>',
    ]),
    ...leaf('r.s.3', 'r.s', 'line\nok 99 injected', 3, { status: 'SUCCESS' }),
    { type: 'test:result', id: 'r.s', name: suite, status: 'FAILURE' },
    { type: 'test:result', id: 'r', name: 'main', status: 'FAILURE' },
    { type: 'run:end' },
  ];
}
