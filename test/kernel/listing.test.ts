import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isolatedGlobs, suitesFromTests, testNamesFromListing } from '../../src/kernel/listing.js';
import { startOrder } from '../../src/util/pool.js';

describe('listing', () => {
  it('drops the dummy header and non-test lines (kunit_tool_test.test_list_tests)', () => {
    const lines = [
      'KTAP version 1',
      'init: random output',
      'suite.test1',
      'suite.test2',
      'suite2.test1',
      'a.b.c',
      'x . y',
    ];
    assert.deepEqual(testNamesFromListing(lines), ['suite.test1', 'suite.test2', 'suite2.test1']);
  });
  it('collects consecutive suites and rejects a malformed name', () => {
    assert.deepEqual(suitesFromTests(['a.x', 'a.y', 'b.x', 'a.z']), ['a', 'b', 'a']);
    assert.throws(() => suitesFromTests(['nodot']), /should be of the form "<suite>\.<test>", got "nodot"/);
  });
  it('makes one glob per suite, keeping the test part of the user glob (test_run_isolated_by_suite)', () => {
    const tests = ['suite.test1', 'suite.test2', 'suite2.test1'];
    assert.deepEqual(isolatedGlobs('suite', tests, 'suite*.test*'), ['suite.test*', 'suite2.test*']);
    assert.deepEqual(isolatedGlobs('suite', tests, 'suite*'), ['suite', 'suite2']);
    assert.deepEqual(isolatedGlobs('suite', tests, 'a.b.c'), ['suite.b', 'suite2.b']);
  });
  it('makes one glob per test (test_run_isolated_by_test)', () => {
    assert.deepEqual(isolatedGlobs('test', ['suite.test1', 'suite.test2', 'suite2.test1'], 'suite*'), [
      'suite.test1',
      'suite.test2',
      'suite2.test1',
    ]);
  });
  // Isolated boots are started in the guest runner's order (src/guest/scheduler.ts).
  it('starts unknown boots first in list order, then known ones longest first', () => {
    const times = new Map([
      ['b', 100],
      ['d', 5000],
      ['e', 300],
    ]);
    assert.deepEqual(startOrder(['a', 'b', 'c', 'd', 'e'], times, 2), [0, 2, 3, 4, 1]);
    assert.deepEqual(startOrder(['a', 'b'], new Map(), 2), [0, 1]);
  });
});
