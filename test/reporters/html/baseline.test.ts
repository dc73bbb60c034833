/**
 * `--baseline`: the page marks each test whose verdict changed since a previous record, with the same rule
 * as `vmunit compare` (record/changes.ts), and says how many changed.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecordBuilder } from '../../../src/record/builder.js';
import { verdictChangeKind } from '../../../src/record/changes.js';
import type { RunRecord } from '../../../src/record/types.js';
import { renderHtml } from '../../../src/reporters/html/index.js';
import { guestRunEvents } from '../html-events.js';

function record(): RunRecord {
  const b = new RecordBuilder();
  for (const e of guestRunEvents()) b.push(e);
  return b.record();
}

/** The same run with the verdicts a baseline had: emulator passed, cmpxchg8b failed, dup skipped. */
function baseline(): RunRecord {
  const now = record();
  const before: Record<string, RunRecord['tests'][number]['verdict']> = {
    emulator: 'PASS',
    cmpxchg8b: 'FAIL',
  };
  return { ...now, tests: now.tests.map((t) => ({ ...t, verdict: before[t.name] ?? t.verdict })) };
}

describe('HTML report against a baseline', () => {
  it('classifies changes as compare does', () => {
    assert.equal(verdictChangeKind('PASS', 'FAIL'), 'regression');
    assert.equal(verdictChangeKind('MISS', 'PASS'), 'fix');
    assert.equal(verdictChangeKind('PASS', 'SKIP'), 'changed');
    assert.equal(verdictChangeKind('FAIL', 'FAIL'), undefined);
  });

  it('marks a regression and an other change, and counts them in the header', () => {
    const now = record();
    const emulator = now.tests.find((t) => t.name === 'emulator');
    assert.equal(emulator?.verdict, 'FAIL');
    const html = renderHtml(now, { baseline: baseline() });
    assert.match(
      html,
      /<span class="badge chg-regression" title="baseline: PASS">regression<\/span><span class="name">emulator</,
    );
    assert.match(
      html,
      /<span class="badge chg-changed" title="baseline: FAIL">changed<\/span><span class="name">cmpxchg8b</,
    );
    assert.match(html, /<b>1<\/b> regressions, <b>0<\/b> fixed, <b>1<\/b> other changes/);
    assert.equal(html.match(/class="badge chg-/g)?.length, 2);
  });

  it('marks nothing without a baseline', () => {
    const html = renderHtml(record());
    assert.doesNotMatch(html, /class="badge chg-|Against the baseline/);
  });
});
