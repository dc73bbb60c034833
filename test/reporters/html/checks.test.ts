import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RecordCheck } from '../../../src/record/types.js';
import { flattenChecks, pathNames, selectChecks } from '../../../src/reporters/html/checks.js';
import { renderTest } from '../../../src/reporters/html/test-view.js';
import { test } from '../../scale/records.js';

const pass = (name: string): RecordCheck => ({ name, status: 'SUCCESS' });
const fail = (name: string): RecordCheck => ({ name, status: 'FAILURE' });

describe('check selection', () => {
  it('flattens nested checks to leaves named by path, keeping a failed parent without failing leaves', () => {
    const checks: RecordCheck[] = [
      {
        name: 'suite',
        status: 'SUCCESS',
        checks: [pass('a'), { name: 'p', status: 'SUCCESS', checks: [pass('1')] }],
      },
      { name: 'crashed', status: 'TEST_CRASHED', checks: [pass('first')] },
      { name: 'failed', status: 'FAILURE', checks: [fail('leaf')] },
    ];
    const flat = [...flattenChecks(checks)].map((c) => `${pathNames(c.at).join('/')}${c.failing ? '!' : ''}`);
    assert.deepEqual(flat, ['suite/a', 'suite/p/1', 'crashed/first', 'crashed!', 'failed/leaf!']);
  });

  it('shows failing checks first, then the first others, and counts the rest by status', () => {
    const checks = [
      pass('p1'),
      fail('f1'),
      pass('p2'),
      { name: 's', status: 'SKIPPED' } as RecordCheck,
      fail('f2'),
      pass('p3'),
    ];
    const sel = selectChecks(checks, { failing: 1, others: 2 });
    assert.deepEqual(
      sel.shown.map((c) => c.check.name),
      ['f1', 'p1', 'p2'],
    );
    assert.deepEqual(sel.hidden, { SKIPPED: 1, FAILURE: 1, SUCCESS: 1 });
    assert.equal(sel.hiddenTotal, 3);
  });

  it('walks deep nesting without recursion limits', () => {
    let check: RecordCheck = fail('leaf');
    for (let i = 0; i < 20_000; i++) check = { name: `n${i}`, status: 'SUCCESS', checks: [check] };
    const sel = selectChecks([check]);
    assert.equal(sel.shown.length, 1);
    assert.equal(sel.shown[0]?.path.length, 20_001);
  });
  it("shows every check's parse problems, named, though the check itself is past the limits", () => {
    const issue = (n: number) => ({
      message: `Expected test number ${n} but found ${n + 1}`,
      testName: `c${n}`,
    });
    const checks: RecordCheck[] = Array.from({ length: 30 }, (_, n) => ({
      name: `c${n}`,
      status: 'SUCCESS',
      ...(n % 10 === 9 ? { node: { issues: [issue(n)] } } : {}),
    }));
    const t = { ...test('suite', 'PASS'), checks };
    const html = renderTest(t, { anchor: 't1', checkLimits: { others: 5, failing: 5 } });
    for (const n of [9, 19, 29]) {
      assert.ok(html.includes(`[ERROR] Test: c${n}: Expected test number ${n} but found ${n + 1}`), `c${n}`);
    }
    // c4 is shown as a check and named once more nowhere; c29 is past the limits, named by its issue only.
    assert.equal(html.split('c4<').length - 1, 1);
    assert.equal(html.split('c29').length - 1, 1);
  });
});
