import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { copyBytes, OutputBuffer } from '../../src/util/output-buffer.js';

/** A stream that keeps every chunk it is given, as many test doubles do, and finishes each write at once. */
function collector(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

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
        out.writeLine(head, chunk, 3, 12);
        want += '[PASSED] case_name\n';
      }
      if (i % 5000 === 0) out.flush();
    }
    // Text and lines longer than a block go out whole, after what came before.
    const long = `${'y'.repeat(70_000)}\n`;
    out.write(long);
    out.writeLine(head, Buffer.from('z'.repeat(70_000)), 0, 70_000);
    want += `${long}[PASSED] ${'z'.repeat(70_000)}\n`;
    out.flush();
    assert.equal(text(), want);
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
});
