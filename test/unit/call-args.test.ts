import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractCallArguments } from '../../src/unit/call-args.js';

/** Source, and the column where the callee name starts (what V8 reports for a method call frame). */
function at(source: string, callee: string): [string, number, number] {
  const lines = source.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const col = lines[i]?.indexOf(`${callee}(`) ?? -1;
    if (col >= 0) return [source, i + 1, col + 1];
  }
  throw new Error('callee not found');
}

describe('extractCallArguments', () => {
  const table: [string, string, string[] | undefined][] = [
    ['t.expect.eq(1 + 1, 3);', 'eq', ['1 + 1', '3']],
    ['t.expect.eq(f(a, b), [1, 2], "m, n");', 'eq', ['f(a, b)', '[1, 2]', '"m, n"']],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the source under test contains a template literal.
    ['t.expect.eq(`x${y(1, 2)}z`, { a: 1, b: 2 });', 'eq', ['`x${y(1, 2)}z`', '{ a: 1, b: 2 }']],
    ["t.expect.streq(s.replace(/[,)]/g, ''), 'a)b');", 'streq', ["s.replace(/[,)]/g, '')", "'a)b'"]],
    ['t.expect.eq(\n  value, // a comment, with comma\n  other /* ) */,\n);', 'eq', ['value', 'other']],
    ['t.expect.true(a < b && c > d);', 'true', ['a < b && c > d']],
    ['t.expect.true();', 'true', []],
    ['t.expect.eq(a, (b', 'eq', undefined],
  ];
  for (const [source, callee, expected] of table) {
    it(JSON.stringify(source), () => {
      assert.deepEqual(extractCallArguments(...at(source, callee)), expected);
    });
  }
  it('returns undefined when the position is not a call', () => {
    assert.equal(extractCallArguments('const x = 1;', 1, 7), undefined);
    assert.equal(extractCallArguments('x', 5, 1), undefined);
  });
});
