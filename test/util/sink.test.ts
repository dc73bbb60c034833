import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openDocumentSink } from '../../src/util/sink.js';
import { collector } from '../collecting-sinks.js';

const dir = mkdtempSync(join(tmpdir(), 'vmunit-sink-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Writes text and bytes alternately, text pieces small enough to wait in the sink's 64 KiB chunk. */
function fill(sink: ReturnType<typeof openDocumentSink>): string {
  let want = '';
  for (let i = 0; i < 200; i++) {
    const text = `t\u00e9${i} `.repeat(i % 3 === 0 ? 5000 : 3);
    sink.write(text);
    want += text;
    if (i % 4 === 0) {
      const bytes = Buffer.from(`b${i}\u00e9|`);
      sink.writeBytes(bytes);
      want += bytes.toString('utf8');
    }
  }
  sink.write('end');
  return `${want}end`;
}

describe('openDocumentSink', () => {
  it('writes bytes after the text written before them, to a file', async () => {
    const path = join(dir, 'doc.xml');
    const sink = openDocumentSink(path);
    const want = fill(sink);
    await sink.close();
    assert.equal(readFileSync(path, 'utf8'), want);
    assert.deepEqual(readdirSync(dir), ['doc.xml']);
  });

  it('writes bytes after the text written before them, to a stream', async () => {
    const { stream, text } = collector();
    const sink = openDocumentSink(stream);
    const want = fill(sink);
    await sink.close();
    assert.equal(text(), want);
  });
});
