/**
 * The record writer and reader: events.jsonl holds every finished test as soon as it ends (before close),
 * record.json is valid against the published schema, a killed run (no close, no run:end) is read back from
 * its events, a test's verdict is its own result and not its checks', and bad input names file and line.
 */

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { RunEvent } from '../../src/events/types.js';
import { formatLevelCounts } from '../../src/record/counts.js';
import { readRecord } from '../../src/record/read.js';
import { RecordWriter } from '../../src/record/writer.js';
import { VmunitError } from '../../src/util/errors.js';
import { schemaErrors } from './helpers.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'vmunit-record-'));
  dirs.push(d);
  return d;
}

/** A guest-like run: one test timing out after two passing checks, one skipped, one unfinished. */
function guestEvents(): RunEvent[] {
  const start = (
    id: string,
    parentId: string | null,
    name: string,
    index: number,
    depth: number,
  ): RunEvent => ({
    type: 'test:start',
    id,
    parentId,
    name,
    index,
    depth,
    isSuite: depth === 0,
  });
  return [
    { type: 'run:start', producer: 'guest', name: '/kut', meta: { arch: 'x86_64' }, time: 1_700_000_000_000 },
    start('guest', null, 'x86_64', 1, 0),
    start('guest/1', 'guest', 'ioapic', 1, 1),
    start('guest/1/1', 'guest/1', 'check #DB', 1, 2),
    { type: 'test:result', id: 'guest/1/1', name: 'check #DB', status: 'SUCCESS' },
    start('guest/1/2', 'guest/1', 'second', 2, 2),
    { type: 'test:result', id: 'guest/1/2', name: 'second', status: 'SUCCESS' },
    { type: 'test:log', id: 'guest/1', line: 'PASS: second' },
    {
      type: 'test:result',
      id: 'guest/1',
      name: 'ioapic',
      status: 'FAILURE',
      directive: { kind: 'TIMEOUT', reason: 'timeout; duration=10s' },
      reason: 'timeout; duration=10s',
      durationMs: 10_000,
      log: 'ioapic.log',
    },
    start('guest/2', 'guest', 'hyperv', 2, 1),
    { type: 'test:result', id: 'guest/2', name: 'hyperv', status: 'SKIPPED', reason: 'x86_64 only' },
    start('guest/3', 'guest', 'sieve', 3, 1),
  ];
}

describe('RecordWriter', () => {
  it('flushes events.jsonl when each test ends, before close', () => {
    const dir = tempDir();
    const writer = new RecordWriter({ dir, meta: { command: ['run'] } });
    const events = guestEvents();
    for (const e of events.slice(0, 9)) writer.onEvent(e);
    const lines = readFileSync(join(dir, 'events.jsonl'), 'utf8').trimEnd().split('\n');
    assert.equal(lines.length, 10, 'header and nine events on disk after ioapic ended');
    writer.onEvent(events[9] as RunEvent);
    const more = readFileSync(join(dir, 'events.jsonl'), 'utf8').trimEnd().split('\n');
    assert.equal(more.length, 11, 'a test start is on disk at once');
    assert.match(lines[9] ?? '', /"type":"test:result","id":"guest\/1"/);
  });

  it('leaves a record a killed run can be read from: verdicts are the tests own, counts at two levels', async () => {
    const dir = tempDir();
    const writer = new RecordWriter({ dir, meta: { command: ['vmunit', 'run'] } });
    for (const e of guestEvents()) writer.onEvent(e);
    // No close(), no run:end: as after SIGKILL.
    const record = await readRecord(dir);
    assert.equal(schemaErrors(record), '');
    assert.deepEqual(
      record.tests.map((t) => [t.name, t.verdict, t.reason]),
      [
        ['ioapic', 'FAIL', 'timeout; duration=10s'],
        ['hyperv', 'SKIP', 'x86_64 only'],
        ['sieve', 'ERROR', 'did not finish'],
      ],
    );
    assert.equal(record.tests[0]?.log, 'ioapic.log');
    assert.equal(record.tests[0]?.checks[0]?.name, 'check #DB');
    assert.equal(record.run.complete, false);
    assert.deepEqual(record.run.command, ['vmunit', 'run']);
    assert.equal(
      formatLevelCounts(record.counts),
      '3 tests (1 failed, 1 skipped, 1 errors), 2 checks (2 passed)',
    );
  });

  it('writes a complete record.json at close', async () => {
    const dir = tempDir();
    const writer = new RecordWriter({ dir });
    for (const e of guestEvents()) writer.onEvent(e);
    writer.onEvent({ type: 'test:result', id: 'guest/3', name: 'sieve', status: 'SUCCESS' });
    writer.onEvent({ type: 'test:result', id: 'guest', name: 'x86_64', status: 'FAILURE' });
    writer.onEvent({ type: 'run:end', elapsedMs: 5, time: 1_700_000_000_100 });
    await writer.close();
    const record = JSON.parse(readFileSync(join(dir, 'record.json'), 'utf8'));
    assert.equal(schemaErrors(record), '');
    assert.equal(record.run.complete, true);
    assert.equal(record.run.endTime, '2023-11-14T22:13:20.100Z');
    assert.deepEqual(await readRecord(dir), record);
    assert.deepEqual(await readRecord(join(dir, 'events.jsonl')), record);
  });

  it('marks an interrupted run and its unfinished tests', async () => {
    const dir = tempDir();
    const writer = new RecordWriter({ dir });
    for (const e of guestEvents()) writer.onEvent(e);
    writer.onEvent({ type: 'run:end', interrupted: true });
    await writer.close();
    const record = await readRecord(dir);
    assert.equal(record.run.interrupted, true);
    assert.equal(record.tests[2]?.reason, 'interrupted');
  });
});

describe('readRecord', () => {
  it('reports a bad event line as FILE:LINE', async () => {
    const dir = tempDir();
    const file = join(dir, 'events.jsonl');
    writeFileSync(file, '{"format":"vmunit-record","version":1,"run":{}}\n{"type":"run:start"\n{}\n');
    await assert.rejects(readRecord(dir), (e: unknown) => {
      assert.ok(e instanceof VmunitError);
      assert.equal(e.code, 'INPUT_INVALID');
      assert.match(e.message, new RegExp(`^${file}:2: not JSON`));
      return true;
    });
  });

  it('refuses an unknown version and an unknown format', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'record.json'), '{"format":"vmunit-record","version":9}');
    await assert.rejects(readRecord(join(dir, 'record.json')), /record version 9 is not supported/);
    writeFileSync(join(dir, 'x.json'), '{"format":"junit"}');
    await assert.rejects(readRecord(join(dir, 'x.json')), /x\.json: not a vmunit record/);
  });

  it('drops only a cut last line', async () => {
    const dir = tempDir();
    const file = join(dir, 'events.jsonl');
    writeFileSync(file, '{"format":"vmunit-record","version":1,"run":{}}\n{"type":"run:st');
    assert.deepEqual((await readRecord(file)).tests, []);
  });

  it('says when a folder holds no record', async () => {
    await assert.rejects(
      readRecord(tempDir()),
      (e: unknown) => e instanceof VmunitError && e.code === 'INPUT_NOT_FOUND',
    );
  });
});
