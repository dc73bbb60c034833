/** The one status rule (src/ktap/status.ts) as a table, and its callers agreeing with it. */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TestStatus } from '../../src/events/types.js';
import { CountTracker } from '../../src/ktap/counts.js';
import { emptyCounts, type TestCounts } from '../../src/ktap/model.js';
import {
  aggregateStatus,
  countStatuses,
  settleLeaf,
  settleStatus,
  suiteStatus,
  TEST_STATUSES,
} from '../../src/ktap/status.js';
import { buildTree } from '../../src/ktap/tree.js';
import { parseAll } from './helpers.js';

const counts = (c: Partial<TestCounts>): TestCounts => ({ ...emptyCounts(), ...c });

describe('precedence (kunit.py TestCounts.get_status)', () => {
  const table: [Partial<TestCounts>, TestStatus][] = [
    [{}, 'NO_TESTS'],
    [{ errors: 3 }, 'NO_TESTS'],
    [{ passed: 1, failed: 1, crashed: 1 }, 'TEST_CRASHED'],
    [{ crashed: 1, errors: 1 }, 'TEST_CRASHED'],
    [{ passed: 5, failed: 1, skipped: 2 }, 'FAILURE'],
    [{ passed: 1, skipped: 4 }, 'SUCCESS'],
    [{ skipped: 2 }, 'SKIPPED'],
  ];
  for (const [c, expected] of table) {
    it(`${JSON.stringify(c)} → ${expected}`, () => assert.equal(aggregateStatus(counts(c)), expected));
  }
});

describe('settleStatus (bubble_up_test_results, parse_run_tests)', () => {
  // children's counts, own status, root?, mainline variant? → status, completed counts
  const table: [Partial<TestCounts>, TestStatus, boolean, boolean, TestStatus, Partial<TestCounts>][] = [
    // a leaf counts itself
    [{}, 'SUCCESS', false, false, 'SUCCESS', { passed: 1 }],
    [{}, 'SKIPPED', false, false, 'SKIPPED', { skipped: 1 }],
    [{}, 'TEST_CRASHED', false, false, 'TEST_CRASHED', { crashed: 1 }],
    [{}, 'NO_TESTS', false, false, 'NO_TESTS', {}],
    // a parent keeps its own status unless a child crashed
    [{ passed: 2 }, 'FAILURE', false, false, 'FAILURE', { passed: 2 }],
    [{ failed: 1 }, 'SUCCESS', false, false, 'SUCCESS', { failed: 1 }],
    [{ passed: 1, crashed: 1 }, 'SUCCESS', false, false, 'TEST_CRASHED', { passed: 1, crashed: 1 }],
    // mainline: a `not ok` parent whose children all passed counts one failure
    [{ passed: 2 }, 'FAILURE', false, true, 'FAILURE', { passed: 2, failed: 1 }],
    [{ passed: 2, failed: 1 }, 'FAILURE', false, true, 'FAILURE', { passed: 2, failed: 1 }],
    [{ passed: 2 }, 'SUCCESS', false, true, 'SUCCESS', { passed: 2 }],
    // the root takes its counts' status, except NO_TESTS and FAILURE_TO_PARSE_TESTS
    [{ passed: 2, skipped: 1 }, 'TEST_CRASHED', true, false, 'SUCCESS', { passed: 2, skipped: 1 }],
    [{ skipped: 3 }, 'SUCCESS', true, false, 'SKIPPED', { skipped: 3 }],
    [{ passed: 2 }, 'FAILURE', true, false, 'SUCCESS', { passed: 2 }],
    [{ passed: 2 }, 'FAILURE', true, true, 'FAILURE', { passed: 2, failed: 1 }],
    [{ passed: 1 }, 'NO_TESTS', true, false, 'NO_TESTS', { passed: 1 }],
    [{}, 'FAILURE_TO_PARSE_TESTS', true, false, 'FAILURE_TO_PARSE_TESTS', {}],
    [{ errors: 1 }, 'FAILURE_TO_PARSE_TESTS', true, false, 'FAILURE_TO_PARSE_TESTS', { errors: 1 }],
  ];
  for (const [before, own, isRoot, parentFailure, status, after] of table) {
    const label = `${JSON.stringify(before)} ${own}${isRoot ? ' root' : ''}${parentFailure ? ' mainline' : ''}`;
    it(`${label} → ${status}`, () => {
      const c = counts(before);
      assert.equal(settleStatus(c, own, isRoot, { parentFailure }), status);
      assert.deepEqual(c, counts(after));
    });
  }

  it('settleLeaf is settleStatus on empty counts, for every status and both variants', () => {
    for (const status of TEST_STATUSES) {
      for (const parentFailure of [false, true]) {
        const viaLeaf = emptyCounts();
        const leafStatus = settleLeaf(viaLeaf, status);
        const viaRule = emptyCounts();
        assert.equal(leafStatus, settleStatus(viaRule, status, false, { parentFailure }), status);
        assert.deepEqual(viaLeaf, viaRule, status);
      }
    }
  });
});

describe('suiteStatus (KUnit kunit_suite_has_succeeded)', () => {
  const table: [TestStatus[], boolean, TestStatus][] = [
    [[], false, 'SKIPPED'],
    [['SKIPPED', 'SKIPPED'], false, 'SKIPPED'],
    [['SUCCESS', 'SKIPPED'], false, 'SUCCESS'],
    [['SUCCESS', 'FAILURE'], false, 'FAILURE'],
    [['SUCCESS', 'TEST_CRASHED'], false, 'FAILURE'],
    [['SUCCESS'], true, 'FAILURE'],
    [[], true, 'FAILURE'],
    [['NO_TESTS'], false, 'SKIPPED'],
  ];
  for (const [cases, failed, expected] of table) {
    it(`${cases.join(',') || 'no cases'}${failed ? ', suite failed' : ''} → ${expected}`, () =>
      assert.equal(suiteStatus(cases, failed), expected));
  }
});

describe('the callers apply the same rule', () => {
  const ktap = [
    'KTAP version 1',
    '1..2',
    '    KTAP version 1',
    '    # Subtest: parent_not_ok',
    '    1..2',
    '    ok 1 a',
    '    ok 2 b',
    'not ok 1 parent_not_ok',
    '    KTAP version 1',
    '    # Subtest: crashed_below',
    '    1..2',
    '    ok 1 c',
    'ok 2 crashed_below',
  ];
  for (const parentFailure of [false, true]) {
    it(`parser, TreeBuilder and CountTracker agree (${parentFailure ? 'mainline' : '6.12'})`, () => {
      const events = parseAll(ktap, { rules: { parentFailure, noKtapHint: false, versionTypo: false } });
      const tree = buildTree(events, { parentFailure });
      const tracker = new CountTracker({ parentFailure });
      const finished = events.map((e) => tracker.push(e)).filter((f) => f !== undefined);
      const root = finished.at(-1);
      assert.ok(root?.isRoot);
      assert.equal(tree.status, root.status);
      assert.deepEqual(tree.counts, root.counts);
      const fromParser = events.filter((e) => e.type === 'test:result').at(-1);
      assert.equal(fromParser?.type === 'test:result' ? fromParser.status : undefined, root.status);
      const expected = parentFailure ? { passed: 3, failed: 1 } : { passed: 3 };
      assert.deepEqual(root.counts, counts({ ...expected, crashed: 1, errors: 1 }));
      assert.equal(root.status, 'TEST_CRASHED');
      assert.deepEqual(
        tree.subtests.map((t) => t.status),
        ['FAILURE', 'TEST_CRASHED'],
      );
    });
  }

  it('countStatuses is add_status on each', () => {
    assert.deepEqual(
      countStatuses(['SUCCESS', 'FAILURE_TO_PARSE_TESTS', 'NO_TESTS', 'SKIPPED']),
      counts({ passed: 1, crashed: 1, skipped: 1 }),
    );
  });
});
