import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractKtap } from '../../src/ktap/extract.js';

const extract = (lines: string[]) => [...extractKtap(lines)];

describe('extractKtap (kunit.py extract_tap_lines)', () => {
  it('strips the prefix width of the version line from later lines, blindly', () => {
    assert.deepEqual(
      extract(['boot noise', '[    0.06] TAP version 14', '[    0.06] 1..1', '[    0.06] ok 1 a']),
      ['TAP version 14', '1..1', 'ok 1 a'],
    );
    // A line with a shorter prefix is cut just the same, as kunit.py does.
    assert.deepEqual(extract(['[ 1] KTAP version 1', 'short', '[ 1] ok 1 x']), [
      'KTAP version 1',
      '',
      'ok 1 x',
    ]);
  });
  it('keeps kunit executor lines seen before the start, drops other noise', () => {
    assert.deepEqual(extract(['x', 'kunit executor: error parsing filter: foo', 'y']), [
      'kunit executor: error parsing filter: foo',
    ]);
  });
  it('stops at a KTAP_END marker', () => {
    const lines = ['KTAP version 1', '1..2', 'ok 1 a', 'Kernel panic - not syncing: VFS: bad', 'ok 2 b'];
    assert.deepEqual(extract(lines), ['KTAP version 1', '1..2', 'ok 1 a']);
    assert.deepEqual(extract(['TAP version 14', 'reboot: System halted', 'ok 1 a']), ['TAP version 14']);
  });
  it('right-strips lines (CR, spaces) and needs the version number at the end of the line', () => {
    assert.deepEqual(extract(['KTAP version 1 trailing', 'KTAP version 1\r  ', 'ok 1 a  ']), [
      'KTAP version 1',
      'ok 1 a',
    ]);
  });
  it('counts the prefix in code points, like Python', () => {
    assert.deepEqual(extract(['😀 KTAP version 1', '😀 ok 1 a']), ['KTAP version 1', 'ok 1 a']);
  });
});
