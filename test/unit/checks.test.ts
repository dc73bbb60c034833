import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CaseAbort } from '../../src/unit/checks.js';
import { CaseRun } from '../../src/unit/context.js';
import { SourceCache } from '../../src/unit/source-cache.js';

function newRun() {
  const lines: string[] = [];
  const run = new CaseRun('my_case', {
    suiteName: 's',
    suitePriv: undefined,
    paramValue: undefined,
    paramIndex: 0,
    sources: new SourceCache(),
    rootDir: process.cwd(),
    onLog: (l) => lines.push(l),
  });
  return { run, lines };
}

/** Line number of the line that calls this (to compare with recorded locations). */
function here(): number {
  const frame = new Error().stack?.split('\n')[2] ?? '';
  return Number(/:(\d+):\d+\)?$/.exec(frame)?.[1]);
}

describe('expect family', () => {
  it('records a failure and continues, with operands as written and KUnit-shaped log lines', () => {
    const { run, lines } = newRun();
    const a = 1;
    const line = here() + 1;
    run.expect.eq(a + 1, 3);
    run.expect.eq(2, 2);
    run.expect.gt(a, 5, 'a must be big');
    assert.equal(run.status, 'FAILURE');
    assert.equal(run.failures.length, 2);
    const [first, second] = run.failures;
    assert.equal(first?.leftText, 'a + 1');
    assert.equal(first?.rightText, '3');
    assert.equal(first?.leftValue, '2 (0x2)');
    assert.equal(first?.operator, 'EQ');
    assert.equal(first?.location?.file, 'test/unit/checks.test.ts');
    assert.equal(first?.location?.line, line);
    assert.equal(second?.operator, 'GT');
    assert.deepEqual(lines.slice(0, 3), [
      `# my_case: EXPECTATION FAILED at test/unit/checks.test.ts:${line}`,
      'Expected a + 1 == 3, but',
      '    a + 1 == 2 (0x2)',
    ]);
    assert.equal(lines.at(-1), 'a must be big');
    assert.equal(second?.message, 'EXPECTATION FAILED');
  });

  it('covers the KUnit check set', () => {
    const { run } = newRun();
    const obj = {};
    run.expect.true(1);
    run.expect.false(0);
    run.expect.ne(1, 2);
    run.expect.lt(1, 2);
    run.expect.le(2, 2);
    run.expect.ge(3, 2);
    run.expect.ptrEq(obj, obj);
    run.expect.ptrNe(obj, {});
    run.expect.null(null);
    run.expect.notNull(0);
    run.expect.notErrOrNull('x');
    run.expect.streq('ab', 'ab');
    run.expect.strneq('ab', 'ac');
    run.expect.memeq(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 4]), 2);
    run.expect.memneq(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 4]));
    run.expect.deepEq({ a: [1] }, { a: [1] });
    run.expect.notDeepEq({ a: [1] }, { a: [2] });
    run.expect.throws(() => {
      throw new RangeError('x');
    }, RangeError);
    assert.equal(run.status, 'SUCCESS', JSON.stringify(run.failures));
    run.expect.ptrEq({}, {});
    run.expect.notErrOrNull(new Error('bad'));
    run.expect.memeq(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 4]));
    run.expect.throws(() => 1);
    run.expect.streq('a', 1);
    run.expect.null(undefined);
    assert.deepEqual(
      run.failures.map((f) => f.operator),
      ['PTR_EQ', 'NOT_ERR_OR_NULL', 'MEMEQ', 'THROWS', 'STREQ'],
    );
    assert.equal(run.failures[1]?.message, 'EXPECTATION FAILED');
    assert.equal(run.failures[1]?.leftText, undefined);
    assert.match(run.failures[2]?.leftValue ?? '', /<03>/);
    assert.equal(run.failures[2]?.message, 'EXPECTATION FAILED');
  });

  it('checks rejections asynchronously', async () => {
    const { run, lines } = newRun();
    await run.expect.rejects(Promise.reject(new Error('no')), /no/);
    assert.equal(run.status, 'SUCCESS');
    await run.expect.rejects(Promise.resolve(1));
    assert.equal(run.failures[0]?.operator, 'REJECTS');
    assert.equal(run.failures[0]?.message, 'EXPECTATION FAILED');
    assert.ok(
      lines.includes('Expected Promise.resolve(1) to reject, but it completed normally'),
      lines.join('\n'),
    );
  });
});

describe('assert family', () => {
  it('records and aborts with CaseAbort', () => {
    const { run, lines } = newRun();
    assert.throws(
      () => run.assert.notNull(null),
      (e: unknown) => e instanceof CaseAbort,
    );
    assert.equal(run.status, 'FAILURE');
    assert.match(lines[0] ?? '', /^# my_case: ASSERTION FAILED at test\/unit\/checks.test.ts:\d+$/);
    assert.equal(lines[1], 'Expected null != null, but');
  });

  it('does not abort when the check passes', () => {
    // Assertion signatures need an explicitly typed receiver (TS2775).
    const run: CaseRun = newRun().run;
    const value: string | undefined = 'x';
    run.assert.notNull(value);
    assert.equal(value.length, 1);
    assert.equal(run.status, 'SUCCESS');
  });
});

describe('skipping', () => {
  it('skip aborts, markSkipped continues; a later skip wins over a failure as in KUnit', () => {
    const { run } = newRun();
    run.expect.eq(1, 2);
    run.markSkipped('not supported');
    assert.equal(run.status, 'SKIPPED');
    assert.equal(run.statusComment, 'not supported');
    assert.throws(
      () => run.skip('now'),
      (e: unknown) => e instanceof CaseAbort && e.reason === 'skip',
    );
    assert.equal(run.statusComment, 'now');
  });
});

describe('deferred actions', () => {
  it('run last-added first; release runs one now, remove drops one; a throwing action fails the case', async () => {
    const { run } = newRun();
    const order: string[] = [];
    run.addAction(() => {
      order.push('a');
    });
    const b = run.addAction(() => {
      order.push('b');
    });
    run.addAction(() => {
      throw new Error('cleanup broke');
    });
    const d = run.addAction(() => {
      order.push('d');
    });
    run.removeAction(b);
    await run.releaseAction(d);
    assert.deepEqual(order, ['d']);
    await run.runActions();
    assert.deepEqual(order, ['d', 'a']);
    assert.equal(run.status, 'FAILURE');
    assert.match(run.failures[0]?.message ?? '', /cleanup broke/);
  });
});
