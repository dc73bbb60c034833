import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addStatus, emptyCounts, formatCounts } from '../../src/ktap/model.js';

describe('counts', () => {
  it('counts parse failures as crashes and NO_TESTS as nothing', () => {
    const c = emptyCounts();
    addStatus(c, 'FAILURE_TO_PARSE_TESTS');
    addStatus(c, 'NO_TESTS');
    addStatus(c, 'SUCCESS');
    assert.deepEqual(c, { passed: 1, failed: 0, crashed: 1, skipped: 0, errors: 0 });
  });
  it('formats like kunit.py, with a trailing space when empty', () => {
    assert.equal(
      formatCounts({ ...emptyCounts(), passed: 9, failed: 1 }),
      'Ran 10 tests: passed: 9, failed: 1',
    );
    assert.equal(formatCounts(emptyCounts()), 'Ran 0 tests: ');
  });
});
