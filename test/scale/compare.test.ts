import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareRecords, comparisonStatus } from '../../src/scale/compare.js';
import { formatComparison, mdCell } from '../../src/scale/compare-format.js';
import { check, record, test } from './records.js';

const BASE = record([
  test('setjmp', 'PASS', [check('a'), check('b')]),
  test('ioapic', 'FAIL', [check('x', 'FAILURE')]),
  test('sieve', 'PASS'),
  test('gone', 'PASS'),
  test('smptest', 'SKIP'),
]);

describe('compareRecords', () => {
  it('regressions, fixes, new, vanished and check-level changes', () => {
    const now = record([
      test('setjmp', 'PASS', [check('a'), check('b', 'FAILURE'), check('c')]),
      test('ioapic', 'PASS', [check('x')]),
      test('sieve', 'FAIL', [], 'timeout; duration=1s'),
      test('smptest', 'PASS'),
      test('fresh', 'PASS'),
    ]);
    const c = compareRecords(BASE, [now]);
    assert.deepEqual(c.regressions, [
      { name: 'sieve', from: 'PASS', to: 'FAIL', reason: 'timeout; duration=1s' },
    ]);
    assert.deepEqual(c.fixes, [{ name: 'ioapic', from: 'FAIL', to: 'PASS' }]);
    assert.deepEqual(c.changed, [{ name: 'smptest', from: 'SKIP', to: 'PASS' }]);
    assert.deepEqual(c.added, [{ name: 'fresh', verdict: 'PASS' }]);
    assert.deepEqual(c.vanished, [{ name: 'gone', verdict: 'PASS' }]);
    assert.deepEqual(c.checks, [
      { test: 'setjmp', check: 'b', from: 'SUCCESS', to: 'FAILURE' },
      { test: 'setjmp', check: 'c', to: 'SUCCESS' },
      { test: 'ioapic', check: 'x', from: 'FAILURE', to: 'SUCCESS' },
    ]);
    assert.equal(comparisonStatus(c), 1);
  });

  it('no change: exit 0 and empty lists', () => {
    const c = compareRecords(BASE, [BASE]);
    assert.equal(comparisonStatus(c), 0);
    assert.equal(c.regressions.length + c.fixes.length + c.checks.length + c.flaky.length, 0);
  });

  it('a vanished test alone fails the comparison; a fix alone does not', () => {
    const fewer = record(BASE.tests.filter((t) => t.name !== 'gone'));
    assert.equal(comparisonStatus(compareRecords(BASE, [fewer])), 1);
    const fixed = record(
      BASE.tests.map((t) => (t.name === 'ioapic' ? test('ioapic', 'PASS', [check('x')]) : t)),
    );
    assert.equal(comparisonStatus(compareRecords(BASE, [fixed])), 0);
  });

  it('MISS and ERROR after PASS are regressions', () => {
    const now = record(
      BASE.tests.map((t) =>
        t.name === 'setjmp' ? test('setjmp', 'MISS') : t.name === 'sieve' ? test('sieve', 'ERROR') : t,
      ),
    );
    assert.deepEqual(
      compareRecords(BASE, [now]).regressions.map((r) => `${r.name}:${r.to}`),
      ['setjmp:MISS', 'sieve:ERROR'],
    );
  });

  it('several NEW records: a test whose verdict differs between them is flaky, not a regression', () => {
    const run1 = record(BASE.tests.map((t) => (t.name === 'sieve' ? test('sieve', 'FAIL') : t)));
    const run2 = record(BASE.tests);
    const run3 = record(BASE.tests.filter((t) => t.name !== 'smptest'));
    const c = compareRecords(BASE, [run1, run2, run3]);
    assert.deepEqual(c.flaky, [
      { name: 'sieve', verdicts: ['FAIL', 'PASS', 'PASS'] },
      { name: 'smptest', verdicts: ['SKIP', 'SKIP', 'absent'] },
    ]);
    assert.equal(c.regressions.length, 0);
    assert.equal(comparisonStatus(c), 0);
  });

  it('a test failing in every NEW record is a regression even with several', () => {
    const bad = record(BASE.tests.map((t) => (t.name === 'sieve' ? test('sieve', 'FAIL') : t)));
    assert.deepEqual(
      compareRecords(BASE, [bad, bad]).regressions.map((r) => r.name),
      ['sieve'],
    );
  });
});

describe('formatComparison', () => {
  const now = record(BASE.tests.map((t) => (t.name === 'sieve' ? test('sieve', 'FAIL', [], 'timeout') : t)));
  const c = compareRecords(BASE, [now]);

  it('text lists regressions first and ends with the summary', () => {
    const text = formatComparison(c, 'text');
    assert.match(text, /^Regressions:\n {2}sieve: PASS -> FAIL \(timeout\)\n/);
    assert.match(text, /compare: 1 regression, 0 fixes, 0 new, 0 vanished, 0 flaky, 0 other changes\n$/);
  });

  it('JSON parses back to the comparison', () => {
    assert.deepEqual(JSON.parse(formatComparison(c, 'json')), JSON.parse(JSON.stringify(c)));
  });

  it('Markdown is a comment with one table per kind, and escapes names', () => {
    const md = formatComparison(c, 'markdown');
    assert.match(md, /^## vmunit compare :x:\n/);
    assert.match(
      md,
      /### Regressions \(1\)\n\n\| test \| was \| now \| reason \|\n\| --- \| --- \| --- \| --- \|\n\| sieve \| PASS \| FAIL \| timeout \|/,
    );
    assert.equal(mdCell('a|b<script>`x`\nz'), "a\\|b&lt;script&gt;'x' z");
  });
});
