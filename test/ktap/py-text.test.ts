import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pyDedentLines, pyLen, pyRstrip, pySliceFrom, pySplitlines } from '../../src/ktap/py-text.js';

describe('Python string semantics', () => {
  it('rstrip strips Python whitespace (\\x1c, NBSP) but not U+FEFF', () => {
    assert.equal(pyRstrip('a \t\r\x1c\u00a0'), 'a');
    assert.equal(pyRstrip('a\ufeff'), 'a\ufeff');
    assert.equal(pyRstrip('   '), '');
  });
  it('len and slicing count code points', () => {
    assert.equal(pyLen('a😀'), 2);
    assert.equal(pySliceFrom('😀😀xy', 2), 'xy');
    assert.equal(pySliceFrom('abc', 1), 'bc');
    assert.equal(pySliceFrom('ab\u{1F600}', 1), 'b\u{1F600}'); // a surrogate only after the cut
    assert.equal(pyLen('\ud800x'), 2); // a lone surrogate is one code point
  });
  it('splitlines: Python boundaries, no empty last element', () => {
    assert.deepEqual(pySplitlines('a\nb\x0bc\r\nd\n'), ['a', 'b', 'c', 'd']);
    assert.deepEqual(pySplitlines(''), []);
  });
  it('dedent: common [ \\t] margin, blank lines ignored and emptied, tab ≠ space', () => {
    assert.deepEqual(pyDedentLines(['    a', '      b', '   ', '    c']), ['a', '  b', '', 'c']);
    assert.deepEqual(pyDedentLines(['\ta', '    b']), ['\ta', '    b']);
    assert.deepEqual(pyDedentLines(['  \ta', '  \tb', '  c']), ['\ta', '\tb', 'c']);
  });
});
