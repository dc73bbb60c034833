import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

/** One span, [start, end), as writeLines takes spans. */
const span = (start: number, end: number) => Int32Array.of(start, end);

import { copyBytes, OutputBuffer, storeWords, viewOf, wordsOf } from '../../src/util/output-buffer.js';
import { collector } from '../collecting-sinks.js';

describe('OutputBuffer', () => {
  it('writes text and byte lines in order, across many blocks, to a stream that keeps its chunks', () => {
    const { stream, text } = collector();
    const out = new OutputBuffer(stream);
    const head = Buffer.from('[PASSED] ');
    const chunk = Buffer.from('xx case_name yy');
    let want = '';
    for (let i = 0; i < 20_000; i++) {
      if (i % 7 === 0) {
        const line = `caf\u00e9 ${i}\n`;
        out.write(line);
        want += line;
      } else {
        out.writeLines(head, chunk, span(3, 12), 1);
        want += '[PASSED] case_name\n';
      }
      if (i % 5000 === 0) out.flush();
    }
    // Text and lines longer than a block go out whole, after what came before.
    const long = `${'y'.repeat(70_000)}\n`;
    out.write(long);
    out.writeLines(head, Buffer.from('z'.repeat(70_000)), span(0, 70_000), 1);
    want += `${long}[PASSED] ${'z'.repeat(70_000)}\n`;
    out.flush();
    assert.equal(text(), want);
  });

  it('writes each line with its own head when heads change and blocks are renewed', () => {
    const { stream, text } = collector();
    const out = new OutputBuffer(stream);
    const heads = ['', '[', '[ab', '[HH:MM:SS] ', '[04:05:06] [PASSED] ', '\u00e9t\u00e9 '].map((h) =>
      Buffer.from(h),
    );
    const name = Buffer.from('case_7');
    let want = '';
    for (let i = 0; i < 30_000; i++) {
      const head = heads[Math.floor(i / 3) % heads.length] as Buffer;
      out.writeLines(head, name, span(0, name.length), 1);
      want += `${head.toString('utf8')}case_7\n`;
      if (i % 997 === 0) out.flush();
    }
    out.flush();
    assert.equal(text(), want);
  });

  it('writes a run of lines in one call, across blocks, one of them longer than a block', () => {
    const { stream, text } = collector();
    const out = new OutputBuffer(stream);
    const head = Buffer.from('[12:00:00] [PASSED] ');
    const names = Array.from({ length: 9000 }, (_, i) => (i === 4321 ? 'w'.repeat(70_000) : `case_${i}`));
    const bytes = Buffer.from(`x${names.join('\n')}`);
    const spans = new Int32Array(2 * names.length);
    let at = 1;
    names.forEach((name, k) => {
      spans[2 * k] = at;
      spans[2 * k + 1] = at + name.length;
      at += name.length + 1;
    });
    out.write('before\n');
    out.writeLines(head, bytes, spans, names.length);
    out.flush();
    assert.equal(text(), `before\n${names.map((n) => `${head}${n}\n`).join('')}`);
  });

  it('storeWords stores any length at any offset, and nothing past it', () => {
    // Short ones through the word loop, long ones (past 64 bytes) by a native copy.
    for (const length of [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 63, 64, 65, 106]) {
      const bytes = Buffer.from(Array.from({ length }, (_, i) => 0x41 + (i % 26)));
      const words = wordsOf(bytes);
      for (const at of [0, 1, 3]) {
        const target = Buffer.alloc(length + 8, 0xff);
        assert.equal(storeWords(words, target, viewOf(target), at), at + length);
        assert.deepEqual(target.subarray(at, at + length), bytes);
        assert.equal(target[at + length], 0xff);
        if (at > 0) assert.equal(target[at - 1], 0xff);
      }
    }
  });

  it('copyBytes copies short ranges by loop and long ones natively, to the same bytes', () => {
    const source = Buffer.from(Array.from({ length: 200 }, (_, i) => i));
    for (const [start, end] of [
      [0, 0],
      [3, 10],
      [0, 64],
      [0, 65],
      [17, 200],
    ] as const) {
      const target = Buffer.alloc(210, 0xff);
      assert.equal(copyBytes(source, start, end, target, 5), 5 + end - start);
      assert.deepEqual(target.subarray(5, 5 + end - start), source.subarray(start, end));
      assert.equal(target[5 + end - start], 0xff);
    }
  });

  it('writes text and bytes in order to a block destination, reusing its block only when told so', () => {
    for (const reuse of [true, false]) {
      const written: Buffer[] = [];
      const kept: Uint8Array[] = [];
      const out = new OutputBuffer(
        {
          // A reusing destination has the bytes now (a copy stands for the kernel's); the other keeps them.
          write: (bytes: Uint8Array) => {
            if (reuse) written.push(Buffer.from(bytes));
            else kept.push(bytes);
            return true;
          },
          reusable: () => reuse,
        },
        'latin1',
      );
      let want = '';
      for (let i = 0; i < 5000; i++) {
        const text = `{"name": "case_${i}", `;
        out.write(text);
        const bytes = Buffer.from(`"status": "PASS"}${i % 1000 === 0 ? 'x'.repeat(70_000) : ''},`);
        out.writeBytes(bytes);
        want += text + bytes.toString('latin1');
      }
      out.flush();
      const got = Buffer.concat(reuse ? written : kept.map((b) => Buffer.from(b))).toString('latin1');
      assert.ok(got === want, `reuse ${reuse}: ${got.length} bytes of ${want.length}`);
    }
  });
});
