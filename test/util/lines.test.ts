import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineSplitter, type LineVisitor } from '../../src/util/lines.js';
import { prng } from '../prng.js';

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
  it('a line that comes a byte at a time: given when its end comes, cut where one chunk would cut it', () => {
    const s = new LineSplitter();
    const got = [...Buffer.from('hé\r\nx')].map((b) => s.push(Buffer.from([b])).join('|'));
    assert.deepEqual(got, ['', '', '', 'hé', '', ''], 'held until the CR');
    assert.deepEqual(s.end(), ['x']);
    const bytes = [...Buffer.from('abcdefg\n')].map((b) => Buffer.from([b]));
    assert.deepEqual(splitAll(bytes, 3), ['abc', 'def', 'g']);
  });
  it('held bytes come before a string chunk that follows them', () => {
    assert.deepEqual(splitAll([Buffer.from('a'), Buffer.from([0xc3]), Buffer.from([0xa9]), 'b\nc']), [
      'aéb',
      'c',
    ]);
  });
});

describe('LineSplitter on random chunking', () => {
  // Whole-text splits, the reference each chunking must reproduce (the fast LF-only path included).
  const modes = [
    { breaks: 'universal', re: /\r\n|\r|\n/ },
    { breaks: 'splitlines', re: /\r\n|[\n\v\f\r\x1c-\x1e\x85\u2028\u2029]/ },
  ] as const;
  const pieces = ['a', 'line ', 'é', '\n', '\n', '\r', '\r\n', '\v', '\x1c', '\u2028', '0123456789abcdef'];
  it('gives the lines of the whole text, whatever the chunks', () => {
    const rnd = prng(11);
    for (let n = 0; n < 2000; n++) {
      let text = '';
      for (let k = Math.floor(rnd() * 40); k > 0; k--) text += pieces[Math.floor(rnd() * pieces.length)];
      const bytes = Buffer.from(text);
      for (const { breaks, re } of modes) {
        const want = text === '' ? [] : text.split(re);
        if (want[want.length - 1] === '') want.pop();
        const splitter = new LineSplitter(undefined, { breaks });
        const got: string[] = [];
        let at = 0;
        while (at < bytes.length) {
          const next = Math.min(bytes.length, at + 1 + Math.floor(rnd() * 12));
          got.push(...splitter.push(bytes.subarray(at, next)));
          at = next;
        }
        got.push(...splitter.end());
        assert.deepEqual(got, want, `${breaks} ${JSON.stringify(text)}`);
      }
    }
  });
});

describe('LineSplitter.each', () => {
  const pieces = [
    'ok 1 a',
    'line ',
    '\u00e9',
    '\n',
    '\n',
    '\n',
    '\r',
    '\r\n',
    '\v',
    '\t',
    '#',
    'x'.repeat(300),
    // Control characters: FS and FF break lines for str.splitlines() only, SOH and DEL never.
    '\x1c',
    '\f',
    '\x01',
    '\x7f',
    ':',
  ];
  it('gives the lines of push(), those it takes as runs of bytes of a chunk the reader then reuses', () => {
    const rnd = prng(12);
    let taken = 0;
    for (let n = 0; n < 1500; n++) {
      let text = '';
      for (let k = Math.floor(rnd() * 40); k > 0; k--) text += pieces[Math.floor(rnd() * pieces.length)];
      const bytes = Buffer.from(text);
      for (const breaks of ['universal', 'splitlines'] as const) {
        const options = { invalidUtf8: 'backslash', breaks } as const;
        const whole = new LineSplitter(undefined, options);
        const expected = [...whole.push(bytes), ...whole.end()];
        const got: string[] = [];
        const visitor: LineVisitor = {
          // Up to three lines of printable ASCII only (one line each, text equal to bytes), or none.
          take: (b, start, end) => {
            let at = start;
            for (let n = Math.floor(rnd() * 4); n > 0; n--) {
              const nl = b.indexOf(10, at);
              if (nl < 0 || nl >= end || !b.subarray(at, nl).every((c) => c >= 0x20 && c < 0x7f)) break;
              taken++;
              got.push(Buffer.from(b.subarray(at, nl)).toString('latin1'));
              at = nl + 1;
            }
            return at;
          },
          line: (line) => got.push(line),
        };
        const splitter = new LineSplitter(undefined, options);
        // One buffer for every chunk, overwritten by the next read, as readChunks does.
        const reused = Buffer.alloc(64);
        let at = 0;
        while (at < bytes.length) {
          const size = Math.min(bytes.length - at, 1 + Math.floor(rnd() * 64));
          bytes.copy(reused, 0, at, at + size);
          splitter.each(reused.subarray(0, size), visitor);
          reused.fill(0x3f);
          at += size;
        }
        got.push(...splitter.end());
        assert.deepEqual(got, expected, `${breaks} ${JSON.stringify(text)}`);
      }
    }
    assert.ok(taken > 1000, `${taken} lines taken in place`);
  });
});
