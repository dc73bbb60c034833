import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineSplitter } from '../../src/util/lines.js';

function splitAll(chunks: (string | Buffer)[], max?: number): string[] {
  const s = new LineSplitter(max);
  const out: string[] = [];
  for (const c of chunks) out.push(...s.push(c));
  out.push(...s.end());
  return out;
}

describe('LineSplitter', () => {
  it('splits LF, CRLF and lone CR', () => {
    assert.deepEqual(splitAll(['a\nb\r\nc\rd']), ['a', 'b', 'c', 'd']);
  });
  it('joins lines split across chunks, including a CRLF split between chunks', () => {
    assert.deepEqual(splitAll(['ab', 'c\r', '\nd', 'e\n']), ['abc', 'de']);
  });
  it('keeps an empty line between two CRLFs', () => {
    assert.deepEqual(splitAll(['a\r\n\r\nb']), ['a', '', 'b']);
  });
  it('decodes a multi-byte character split across chunks', () => {
    const bytes = Buffer.from('é\n', 'utf8');
    assert.deepEqual(splitAll([bytes.subarray(0, 1), bytes.subarray(1)]), ['é']);
  });
  it('replaces invalid UTF-8 instead of throwing', () => {
    assert.deepEqual(splitAll([Buffer.from([0x61, 0xff, 0x0a])]), ['a\ufffd']);
  });
  it('cuts a line longer than the cap into pieces', () => {
    assert.deepEqual(splitAll(['abcdefg'], 3), ['abc', 'def', 'g']);
  });
});
