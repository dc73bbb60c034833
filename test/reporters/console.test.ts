import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunEvent } from '../../src/events/types.js';
import { ConsoleReporter, formatTestDivider, headerMessage } from '../../src/reporters/console.js';
import { formatClock, Printer } from '../../src/reporters/printer.js';
import { consoleOf, FIXED_NOW } from '../ktap/helpers.js';

describe('Printer', () => {
  it('stamps lines with local HH:MM:SS from the injected clock', () => {
    let out = '';
    const p = new Printer({ write: (t) => (out += t), color: false, now: FIXED_NOW });
    p.printWithTimestamp('x');
    assert.equal(out, '[12:34:56] x\n');
    assert.equal(formatClock(new Date(2026, 0, 1, 3, 4, 5)), '03:04:05');
  });
  it('prints byte lines with the stamp of the moving clock, whether or not clockMoved() is called', () => {
    const seen: string[] = [];
    let ms = new Date(2026, 0, 1, 3, 4, 5).getTime();
    const p = new Printer({
      write: () => assert.fail('a byte line went to write'),
      writeLines: (head, bytes, spans, count) => {
        for (let k = 0; k < count; k++) {
          const more = Buffer.from(bytes.subarray(spans[2 * k], spans[2 * k + 1])).toString();
          seen.push(Buffer.from(head).toString() + more);
        }
      },
      color: false,
      now: () => ms,
    });
    const name = Buffer.from('xx case_1 yy');
    const spans = Int32Array.of(3, 9);
    p.printLinesWithTimestamp('[PASSED] ', name, spans, 1);
    ms += 1000;
    p.clockMoved();
    p.printLinesWithTimestamp('[PASSED] ', name, spans, 1);
    ms += 1000;
    p.printLinesWithTimestamp('[FAILED] ', name, spans, 1);
    p.clockMoved();
    p.printLinesWithTimestamp('[FAILED] ', name, spans, 1);
    assert.deepEqual(seen, [
      '[03:04:05] [PASSED] case_1',
      '[03:04:06] [PASSED] case_1',
      '[03:04:07] [FAILED] case_1',
      '[03:04:07] [FAILED] case_1',
    ]);
  });
  it('prints a run of byte lines as text when it has no writeLines', () => {
    let out = '';
    const p = new Printer({ write: (t) => (out += t), color: false, now: FIXED_NOW });
    p.printLinesWithTimestamp('[PASSED] ', Buffer.from('a bc d'), Int32Array.of(0, 1, 2, 4, 5, 6), 3);
    assert.equal(out, '[12:34:56] [PASSED] a\n[12:34:56] [PASSED] bc\n[12:34:56] [PASSED] d\n');
  });
  it('colours only when enabled; color_len is 13 then', () => {
    const on = new Printer({ write: () => {}, color: true });
    const off = new Printer({ write: () => {}, color: false });
    assert.equal(on.red('x'), '\x1b[1;31mx\x1b[0;0m');
    assert.equal(off.green('x'), 'x');
    assert.equal(on.colorLen(), 13);
    assert.equal(off.colorLen(), 0);
  });
});

describe('dividers (kunit.py format_test_divider)', () => {
  it('centres within 60 columns, minimum three = per side', () => {
    assert.equal(formatTestDivider('ab', 2), `${'='.repeat(28)} ab ${'='.repeat(28)}`);
    assert.equal(formatTestDivider('abc', 3).length, 60);
    assert.equal(formatTestDivider('x'.repeat(70), 70), `=== ${'x'.repeat(70)} ===`);
  });
  it('headers: name, then (N subtests) only for a non-zero plan', () => {
    assert.equal(headerMessage('s', 1), 's (1 subtest)');
    assert.equal(headerMessage('s', 4), 's (4 subtests)');
    assert.equal(headerMessage('s', undefined), 's ');
    assert.equal(headerMessage('', 3), '(3 subtests)');
  });
});

describe('ConsoleReporter', () => {
  const failing = [
    'KTAP version 1',
    '1..1',
    '    # Subtest: s',
    '    1..2',
    '    # a: EXPECTATION FAILED',
    '        indented more',
    '    not ok 1 a',
    '    ok 2 b # SKIP nope',
    'not ok 1 s',
  ];
  it('prints failed logs dedented before the result, skips with [SKIPPED], footers', () => {
    assert.equal(
      consoleOf(failing),
      [
        '='.repeat(60),
        '====================== s (2 subtests) ======================',
        '# a: EXPECTATION FAILED',
        '    indented more',
        '[FAILED] a',
        '[SKIPPED] b',
        '======================== [FAILED] s ========================',
        '='.repeat(60),
        'Testing complete. Ran 2 tests: failed: 1, skipped: 1',
        '',
      ].join('\n'),
    );
  });
  it('with colour, footers are centred on the text without escape codes', () => {
    const lines = consoleOf(failing, true).split('\n');
    const plain = (l: string) => l.replace(/\x1b\[[0-9;]*m/g, '');
    const footer = lines.find((l) => plain(l).includes('[FAILED] s')) ?? '';
    assert.notEqual(footer, plain(footer));
    assert.equal(plain(footer).length, 60);
    assert.ok(lines.at(-2)?.startsWith('\x1b[1;31mTesting complete.'));
  });
  it('streams: each line is printed when its event arrives', () => {
    let out = '';
    const r = new ConsoleReporter({
      printer: new Printer({ write: (t) => (out += t), color: false, now: FIXED_NOW }),
    });
    const events: RunEvent[] = [
      { type: 'test:start', id: 'r', parentId: null, name: 'main', index: 1, depth: 0, isSuite: true },
      { type: 'test:start', id: 'c', parentId: 'r', name: 'c', index: 1, depth: 1, isSuite: false },
      { type: 'test:result', id: 'c', name: 'c', status: 'SUCCESS' },
    ];
    r.onEvent(events[0] as RunEvent);
    assert.equal(out.split('\n').length, 2);
    r.onEvent(events[1] as RunEvent);
    r.onEvent(events[2] as RunEvent);
    assert.ok(out.endsWith('[12:34:56] [PASSED] c\n'));
  });
  it('prints "Failures:" for a failing run of 100+ tests, collapsing all-failed suites', () => {
    const lines = ['KTAP version 1', '1..2', '  # Subtest: good', '  1..100'];
    for (let i = 1; i <= 100; i++) lines.push(`  ${i === 7 ? 'not ok' : 'ok'} ${i} t${i}`);
    lines.push('not ok 1 good', '  # Subtest: bad', '  1..2', '  not ok 1 x', '  not ok 2 y', 'not ok 2 bad');
    const out = consoleOf(lines).trimEnd().split('\n');
    assert.equal(out.at(-1), 'Failures: good.t7, bad');
  });
  it('"Failures:" with many failures: a suite that failed entirely is named, else nothing past 10 names', () => {
    const run = (failing: (i: number) => boolean) => {
      const lines = ['KTAP version 1', '1..1', '  # Subtest: big', '  1..150'];
      for (let i = 1; i <= 150; i++) lines.push(`  ${failing(i) ? 'not ok' : 'ok'} ${i} t${i}`);
      lines.push('not ok 1 big');
      return consoleOf(lines).trimEnd().split('\n').at(-1);
    };
    assert.equal(
      run(() => true),
      'Failures: big',
    );
    assert.equal(
      run((i) => i % 2 === 0),
      'Testing complete. Ran 150 tests: passed: 75, failed: 75',
    );
    assert.equal(
      run((i) => i <= 3),
      'Failures: big.t1, big.t2, big.t3',
    );
  });
  it('summary only (--summary)', () => {
    let out = '';
    const printer = new Printer({ write: (t) => (out += t), color: false, now: FIXED_NOW });
    const r = new ConsoleReporter({ printer, summaryOnly: true });
    r.onEvent({
      type: 'test:start',
      id: 'r',
      parentId: null,
      name: 'main',
      index: 1,
      depth: 0,
      isSuite: true,
    });
    r.onEvent({ type: 'test:result', id: 'r', name: 'main', status: 'NO_TESTS' });
    assert.equal(out, '[12:34:56] Testing complete. Ran 0 tests: \n');
    assert.equal(r.lastRoot?.status, 'NO_TESTS');
  });
});
