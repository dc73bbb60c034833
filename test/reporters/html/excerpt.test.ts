import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { clipLine, excerpt, LOG_LIMITS } from '../../../src/reporters/html/excerpt.js';
import { readLogExcerpt } from '../../../src/reporters/html/log-file.js';

const lines = (n: number, prefix = 'line') => Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}`);

describe('log excerpts', () => {
  it('keeps short logs whole', () => {
    assert.deepEqual(excerpt(lines(120)), [{ lines: lines(120) }]);
  });

  it('keeps the first 40 and last 80 lines of a long log around the count left out', () => {
    const all = lines(1000);
    assert.deepEqual(excerpt(all), [
      { lines: all.slice(0, 40) },
      { omitted: 880 },
      { lines: all.slice(-80) },
    ]);
  });

  it('clips very long lines, saying how much was cut', () => {
    assert.equal(clipLine('abcdef', 4), 'abcd … [2 more characters]');
    const [part] = excerpt(['x'.repeat(10_000)]);
    assert.ok(
      part &&
        'lines' in part &&
        part.lines[0]?.endsWith(`[${10_000 - LOG_LIMITS.lineChars} more characters]`),
    );
  });
});

describe('log file excerpts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vmunit-logs-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a small log whole', async () => {
    writeFileSync(join(dir, 'small.log'), `${lines(10).join('\n')}\n`);
    assert.deepEqual(await readLogExcerpt(dir, 'small.log'), { parts: [{ lines: lines(10) }], lines: 10 });
  });

  it('reads only the ends of a large log and counts every line', async () => {
    // 8 MiB, like a guest that flooded its serial port up to the log cap; no final newline.
    const all = lines(400_000, 'flood line padding padding');
    writeFileSync(join(dir, 'big.log'), all.join('\n'));
    const read = await readLogExcerpt(dir, 'big.log');
    assert.equal(read?.lines, 400_000);
    assert.deepEqual(read?.parts, [
      { lines: all.slice(0, 40) },
      { omitted: 400_000 - 120 },
      { lines: all.slice(-80) },
    ]);
  });

  it('refuses paths outside the results folder and missing files', async () => {
    writeFileSync(join(dir, '..', 'outside.log'), 'secret\n');
    assert.equal(await readLogExcerpt(dir, '../outside.log'), undefined);
    assert.equal(await readLogExcerpt(dir, '/etc/passwd'), undefined);
    assert.equal(await readLogExcerpt(dir, 'missing.log'), undefined);
    rmSync(join(dir, '..', 'outside.log'));
  });
});
