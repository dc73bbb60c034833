import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addStatus, aggregateStatus, emptyCounts, formatCounts } from '../../src/ktap/model.js';

describe('aggregateStatus precedence', () => {
  const cases: [Partial<ReturnType<typeof emptyCounts>>, string][] = [
    [{}, 'NO_TESTS'],
    [{ errors: 3 }, 'NO_TESTS'],
    [{ passed: 1, failed: 1, crashed: 1 }, 'TEST_CRASHED'],
    [{ passed: 5, failed: 1, skipped: 2 }, 'FAILURE'],
    [{ passed: 1, skipped: 4 }, 'SUCCESS'],
    [{ skipped: 2 }, 'SKIPPED'],
  ];
  for (const [counts, expected] of cases) {
    it(`${JSON.stringify(counts)} → ${expected}`, () => {
      assert.equal(aggregateStatus({ ...emptyCounts(), ...counts }), expected);
    });
  }
});

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
