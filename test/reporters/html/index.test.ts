import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { logFileName } from '../../../src/guest/logs.js';
import { RecordBuilder } from '../../../src/record/builder.js';
import type { RunRecord } from '../../../src/record/types.js';
import { collectLogs, fileHref } from '../../../src/reporters/html/index.js';
import { guestRunEvents, HOSTILE_NAME } from '../html-events.js';

function record(): RunRecord {
  const b = new RecordBuilder();
  for (const e of guestRunEvents()) b.push(e);
  return b.record();
}

describe('log links', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vmunit-html-links-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('percent-encodes each path segment, so # ? % stay part of the file name', () => {
    assert.equal(fileHref('/r', '/r/a#b?c%d.log'), 'a%23b%3Fc%25d.log');
    assert.equal(fileHref('/r/sub', '/r/logs/x y.log'), '../logs/x%20y.log');
  });

  it('links only log files that exist inside the results folder, relative to the page', async () => {
    const results = join(dir, 'results');
    mkdirSync(results);
    writeFileSync(join(results, logFileName(HOSTILE_NAME)), 'assert failed\n');
    writeFileSync(join(results, logFileName('ioapic')), 'line\n');
    const rec = record();
    const logs = await collectLogs(rec, results, join(dir, 'pages'));
    const byName = new Map(rec.tests.map((t) => [t.name, logs.get(t.id)]));
    assert.equal(byName.get('ioapic')?.href, '../results/ioapic.log');
    assert.equal(
      byName.get(HOSTILE_NAME)?.href,
      `../results/${encodeURIComponent(logFileName(HOSTILE_NAME))}`,
    );
    assert.deepEqual(byName.get(HOSTILE_NAME)?.parts, [{ lines: ['assert failed'] }]);
    // No file, no link: emulator.log was never written.
    assert.equal(byName.get('emulator'), undefined);
    // A record naming a log outside the folder gets no link and no excerpt.
    const evil = { ...rec, tests: rec.tests.map((t) => ({ ...t, log: '../../etc/passwd' })) };
    assert.equal((await collectLogs(evil, results)).size, 0);
  });
});
